import { LineCounter, parseDocument, stringify, YAMLParseError } from 'yaml';
import { positionOf } from '#shared/yaml/position.ts';
import { withoutBookkeeping } from '#shared/model/bookkeeping.ts';

/** A document as the editor holds it, or why it is not one, at which line. */
export type Parsed = { readonly ok: true; readonly doc: Record<string, unknown> } | { readonly ok: false; readonly problem: string; readonly line?: number };

/** A stored policy as YAML for the editor, without its bookkeeping. */
export function policyYaml(policy: Record<string, unknown>): string {
  return stringify(withoutBookkeeping(policy));
}

/** Parses the editor's YAML into one mapping; a syntax error names its line. */
export function parsePolicyYaml(text: string): Parsed {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = error instanceof YAMLParseError ? lines.linePos(error.pos[0]).line : undefined;
    return { ok: false, problem: `invalid YAML: ${error.message.split('\n')[0]!.toLowerCase()}`, ...(line ? { line } : {}) };
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problem: 'the policy must be a YAML mapping', line: 1 };
  return { ok: true, doc: value as Record<string, unknown> };
}

/** `rules[0].fields` → `['rules', 0, 'fields']`. */
function pathOf(field: string): Array<string | number> {
  return [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/**
 * The line of the first field an API message names (`` `actions.type`: … ``) that the YAML
 * holds, so the editor can point at it; undefined when none is found.
 */
export function lineOfProblem(text: string, detail: string): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  for (const [, field] of detail.matchAll(/`([A-Za-z_][\w.[\]]*)`/g)) {
    const path = pathOf(field!);
    // `upsert[0].x` in a simulation's message: the editor's document is `upsert[0]`.
    const inDoc = path[0] === 'upsert' && path[1] === 0 ? path.slice(2) : path;
    const at = positionOf(doc, lines, inDoc, 1);
    if (at) return at.line;
  }
  return undefined;
}
