export type { SqlDialect } from './dialect.ts';
export { sqlDialect } from './dialects.ts';
export { typeKind, castableType, type TypeKind } from './column-type.ts';
export { numberLiteral, decimalLiteral, booleanLiteral, inList, typedNull } from './literals.ts';
export { maskSql, type MaskSql, type BuiltInMasking } from './mask.ts';
export { tableRef } from './query.ts';
