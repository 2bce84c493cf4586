import { ConditionSyntaxError } from '../errors.ts';
import type { ConditionNode } from './ast.ts';
import { callNode } from './functions.ts';
import { tokenize, type Token } from './lexer.ts';

function describe(token: Token): string {
  switch (token.type) {
    case 'end':
      return 'end of condition';
    case 'function':
      return `\`${token.name}\``;
    case 'string':
      return `string \`${token.value}\``;
    default:
      return `\`${token.type.toUpperCase()}\``;
  }
}

/**
 * Parses an advanced condition into its tree. Precedence: NOT binds tighter than AND, which
 * binds tighter than OR. Throws `ConditionSyntaxError` with the offending offset.
 */
export function parseCondition(text: string): ConditionNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const expect = (type: Token['type'], what: string): Token => {
    const t = next();
    if (t.type !== type) throw new ConditionSyntaxError(`expected ${what}, found ${describe(t)}`, t.at);
    return t;
  };

  const args = (): string[] => {
    expect('(', '`(`');
    const out: string[] = [];
    if (peek().type === ')') {
      next();
      return out;
    }
    for (;;) {
      const t = expect('string', 'a quoted string');
      if (t.type === 'string') out.push(t.value);
      const sep = next();
      if (sep.type === ')') return out;
      if (sep.type !== ',') throw new ConditionSyntaxError(`expected \`,\` or \`)\`, found ${describe(sep)}`, sep.at);
    }
  };

  const primary = (): ConditionNode => {
    const t = next();
    if (t.type === '(') {
      const inner = or();
      expect(')', '`)`');
      return inner;
    }
    if (t.type === 'function') return callNode(t.name, args(), t.at);
    throw new ConditionSyntaxError(`expected a condition, found ${describe(t)}`, t.at);
  };
  const unary = (): ConditionNode => {
    if (peek().type !== 'not') return primary();
    next();
    return { kind: 'not', operand: unary() };
  };
  // `a AND b AND c` is `(a AND b) AND c`: one left-associative loop per binary operator.
  const binary = (kind: 'and' | 'or', operand: () => ConditionNode) => (): ConditionNode => {
    let left = operand();
    while (peek().type === kind) {
      next();
      left = { kind, left, right: operand() };
    }
    return left;
  };
  const and = binary('and', unary);
  const or = binary('or', and);

  const tree = or();
  const rest = peek();
  if (rest.type !== 'end') throw new ConditionSyntaxError(`unexpected ${describe(rest)}`, rest.at);
  return tree;
}
