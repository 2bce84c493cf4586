export type { ConditionNode, TagScope } from './ast.ts';
export { tokenize, type Token } from './lexer.ts';
export { parseCondition } from './parser.ts';
export { compileCondition, type CompiledCondition } from './compile.ts';
