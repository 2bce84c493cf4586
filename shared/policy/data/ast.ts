/** The expression language of predicates, cell-level `when` and `custom` masks. */
export type Expr =
  | { readonly k: 'string'; readonly value: string }
  | { readonly k: 'number'; readonly value: number }
  | { readonly k: 'boolean'; readonly value: boolean }
  | { readonly k: 'null' }
  /** A column of the data source, by name. */
  | { readonly k: 'column'; readonly name: string; readonly pos: number }
  /** `@name(args)`, `name(args)`: Warden functions and the SQL functions a custom mask may call. */
  | { readonly k: 'call'; readonly name: string; readonly at: boolean; readonly args: readonly Expr[]; readonly pos: number }
  | { readonly k: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'not'; readonly expr: Expr }
  | { readonly k: 'negate'; readonly expr: Expr }
  | { readonly k: 'in'; readonly expr: Expr; readonly list: readonly Expr[]; readonly negated: boolean }
  | { readonly k: 'isNull'; readonly expr: Expr; readonly negated: boolean }
  | { readonly k: 'case'; readonly operand: Expr | null; readonly whens: readonly When[]; readonly otherwise: Expr | null }
  | { readonly k: 'cast'; readonly expr: Expr; readonly type: string };

export interface When {
  readonly when: Expr;
  readonly then: Expr;
}

export const BINARY_OPS = ['OR', 'AND', '=', '<>', '<', '>', '<=', '>=', 'LIKE', 'NOT LIKE', '||', '+', '-', '*', '/', '%'] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];
