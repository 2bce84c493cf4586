import type { Column, DataSource } from '#shared/model/catalog.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import { anyCovered } from '../tags.ts';
import { MissingTagError, RuleNotApplicableError } from './errors.ts';
import type { RenderContext } from './render.ts';

/** The column carrying `tag` (or a descendant of it), first in catalog order. */
export function columnTagged(source: DataSource, tag: string): Column | undefined {
  return source.columns.find((c) => anyCovered(tag, c.tags));
}

/**
 * Name resolution on one source: exact name first, else the one column equal ignoring case
 * (an unquoted `region` means `REGION` on Snowflake). The catalog's spelling is what gets quoted.
 */
export function resolveColumn(source: DataSource, name: string): Column | undefined {
  const exact = source.columns.find((c) => c.name === name);
  if (exact) return exact;
  const folded = source.columns.filter((c) => c.name.toLowerCase() === name.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** A render context for `source` in dialect `d`, optionally with the masked column. */
export function sourceContext(source: DataSource, d: SqlDialect, masked?: string): RenderContext {
  return {
    d,
    masked,
    column(name) {
      const c = resolveColumn(source, name);
      if (!c) throw new RuleNotApplicableError(`unknown column \`${name}\``);
      return d.ident(c.name);
    },
    columnTagged(tag) {
      const c = columnTagged(source, tag);
      if (!c) throw new MissingTagError(tag);
      return d.ident(c.name);
    },
  };
}
