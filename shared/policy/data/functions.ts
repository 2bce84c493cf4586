/**
 * Every function the expression language knows. Warden's `@` functions and Canner's
 * user-context functions expand into literals of the user's values; the SQL functions pass
 * through by name (a fixed list, so a typo is a 400 at PUT rather than a failing query).
 */

/** `string`: a string literal; `column`: a column reference; `any`: any scalar expression. */
export type ArgKind = 'string' | 'column' | 'any';
/** `list` values may only stand inside `IN (…)`; `column` is a column reference. */
export type ValueKind = 'bool' | 'value' | 'list' | 'column';

export interface FunctionSpec {
  /** Arguments in order; with `rest`, the last kind repeats. */
  readonly args: readonly ArgKind[];
  readonly min: number;
  readonly max: number;
  readonly returns: ValueKind;
  /** Only meaningful inside a `custom` mask. */
  readonly customOnly?: boolean;
}

const fixed = (returns: ValueKind, ...args: ArgKind[]): FunctionSpec => ({ args, min: args.length, max: args.length, returns });
const sql = (min: number, max: number): FunctionSpec => ({ args: ['any'], min, max, returns: 'value' });

const WARDEN: Readonly<Record<string, FunctionSpec>> = {
  '@attributeValuesContains': fixed('bool', 'string', 'column'),
  '@groupsContains': fixed('bool', 'column'),
  '@username': fixed('value'),
  // `@iam` is the user's IAM id; `@iam('okta')` tests it, as in subscription conditions.
  '@iam': { args: ['string'], min: 0, max: 1, returns: 'value' },
  '@hasAttribute': fixed('bool', 'string', 'string'),
  '@isInGroups': { args: ['string'], min: 1, max: 500, returns: 'bool' },
  '@columnTagged': fixed('column', 'string'),
  '@column': { ...fixed('column'), customOnly: true },
};

const CANNER: Readonly<Record<string, FunctionSpec>> = {
  has_group: fixed('bool', 'string'),
  list_groups: fixed('list'),
  has_attribute: fixed('bool', 'string'),
  has_attr: fixed('bool', 'string'),
  get_attribute: fixed('value', 'string'),
  get_attr: fixed('value', 'string'),
  list_attributes: fixed('list'),
  list_attrs: fixed('list'),
};

/** Functions common to the four engines under the same name and meaning. */
const SQL: Readonly<Record<string, FunctionSpec>> = {
  lower: sql(1, 1),
  upper: sql(1, 1),
  length: sql(1, 1),
  trim: sql(1, 1),
  substr: sql(2, 3),
  substring: sql(2, 3),
  concat: sql(1, 100),
  coalesce: sql(1, 100),
  nullif: sql(2, 2),
  abs: sql(1, 1),
  round: sql(1, 2),
  floor: sql(1, 1),
  ceil: sql(1, 1),
  lpad: sql(2, 3),
  rpad: sql(2, 3),
  replace: sql(3, 3),
  regexp_replace: sql(3, 4),
  date_trunc: sql(2, 2),
};

/** The spec of a function by its written name (`@`-functions case-sensitive, SQL ones not). */
export function functionSpec(name: string): FunctionSpec | undefined {
  return Object.hasOwn(WARDEN, name) ? WARDEN[name] : Object.hasOwn(CANNER, name) ? CANNER[name] : Object.hasOwn(SQL, name) ? SQL[name] : undefined;
}

/** The kind of argument `index` of a function. */
export function argKind(spec: FunctionSpec, index: number): ArgKind {
  return spec.args[Math.min(index, spec.args.length - 1)] ?? 'any';
}
