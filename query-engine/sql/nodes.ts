import type { Node } from 'libpg-query';

/** Builders of the few parse-tree nodes the rewrite writes itself; the deparser quotes and escapes them. */

/** A string constant: the deparser writes it escaped (`'…'`, or `E'…'` when it holds a backslash). */
export const stringConst = (value: string): Node => ({ A_Const: { sval: { sval: value } } });

/** `true` or `false`. */
export const booleanConst = (value: boolean): Node => ({ A_Const: { boolval: value ? { boolval: true } : {} } });

/**
 * `CAST(arg AS <type>)`, `[]` for an array type. The built-in type is named as the deparser
 * writes it back (`::text`, unqualified): `pg_catalog` comes first on every search path the
 * engine lets a session set, so no user type can stand in for it.
 */
export function cast(arg: Node, type: string, array = false): Node {
  return { TypeCast: { arg, typeName: { names: [{ String: { sval: type } }], typemod: -1, ...(array ? { arrayBounds: [{ Integer: { ival: -1 } }] } : {}) } } };
}

/** A text value, or a typed NULL. */
export const textValue = (value: string | undefined): Node => cast(value === undefined ? { A_Const: { isnull: true } } : stringConst(value), 'text');

/** A `text[]` of the values, in order. */
export const textArray = (values: Iterable<string>): Node => cast({ A_ArrayExpr: { elements: [...values].map(stringConst) } }, 'text', true);

/** The string parts of a dotted name (`funcname`, `fields`): undefined when a part is not a plain name (`*`). */
export function nameParts(parts: readonly Node[] | undefined): string[] | undefined {
  const out: string[] = [];
  for (const p of parts ?? []) {
    if (!('String' in p) || p.String.sval === undefined) return undefined;
    out.push(p.String.sval);
  }
  return out;
}

/** The value of a string constant argument, null for a NULL constant, undefined for anything else. */
export function constantText(node: Node | undefined): string | null | undefined {
  if (!node || !('A_Const' in node)) return undefined;
  if (node.A_Const.isnull) return null;
  return node.A_Const.sval?.sval ?? (node.A_Const.sval ? '' : undefined);
}
