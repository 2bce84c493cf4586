import type { Context } from 'hono';
import { MAX_RESULTS } from './discovery.ts';
import { InvalidValueError } from './errors.ts';
import { parseFilter, type Filter } from './filter.ts';
import { attributeProjection, type ProjectionOptions } from './projection.ts';
import type { ScimResource } from './path.ts';
import { listResponse } from './render.ts';

/** The RFC 7644 §3.4.2 query parameters of a list request. */
export interface ListParams extends ProjectionOptions {
  readonly filter?: Filter;
  readonly startIndex: number;
  readonly count: number;
}

function integer(c: Context, name: string): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*-?\d{1,15}\s*$/.test(raw)) throw new InvalidValueError(`\`${name}\` must be an integer, got \`${raw}\``);
  return Number(raw);
}

/** `attributes` / `excludedAttributes` of any GET. */
export function projectionParams(c: Context): ProjectionOptions {
  const attributes = c.req.query('attributes');
  const excludedAttributes = c.req.query('excludedAttributes');
  return { ...(attributes !== undefined ? { attributes } : {}), ...(excludedAttributes !== undefined ? { excludedAttributes } : {}) };
}

/** Parses the list parameters: `startIndex` below 1 means 1, `count` is clamped to 0‥`MAX_RESULTS`. */
export function listParams(c: Context): ListParams {
  const text = c.req.query('filter');
  const startIndex = Math.max(1, integer(c, 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(c, 'count') ?? MAX_RESULTS));
  return { ...projectionParams(c), ...(text !== undefined && text.trim() !== '' ? { filter: parseFilter(text) } : {}), startIndex, count };
}

/** True when the projection returns attribute `name` (case-insensitive), e.g. a group's `members`. */
export function returnsAttribute(options: ProjectionOptions, name: string): boolean {
  const listed = (list: string) => list.split(',').some((p) => p.trim().toLowerCase().split('.')[0] === name.toLowerCase());
  if (options.attributes !== undefined && options.attributes.trim() !== '') return listed(options.attributes);
  return !(options.excludedAttributes !== undefined && listed(options.excludedAttributes));
}

/**
 * The page `params` asks for, as a projected ListResponse; `complete` adds what only the
 * returned resources need (a group's members).
 */
export async function pageOf(
  matches: ScimResource[],
  params: ListParams,
  complete: (page: ScimResource[]) => Promise<ScimResource[]> = async (page) => page,
): Promise<Record<string, unknown>> {
  const page = await complete(matches.slice(params.startIndex - 1, params.startIndex - 1 + params.count));
  return listResponse(page.map((r) => attributeProjection(r, params)), matches.length, params.startIndex);
}
