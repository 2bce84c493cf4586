import type { BinaryOp, Expr, When } from './ast.ts';
import { ExpressionError } from './errors.ts';
import { tokenize, type Token } from './tokenize.ts';
import { castableType } from '../sql/column-type.ts';

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'IS', 'NULL', 'LIKE', 'TRUE', 'FALSE', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'AS']);
const COMPARISONS = new Set(['=', '!=', '<>', '<', '>', '<=', '>=']);

/** Parses expression text into its syntax tree; throws `ExpressionError` with the offset. */
export function parseExpression(text: string): Expr {
  const p = new Parser(tokenize(text));
  const expr = p.or();
  p.expectEnd();
  return expr;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  or(): Expr {
    let left = this.and();
    while (this.keyword('OR')) left = { k: 'binary', op: 'OR', left, right: this.and() };
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.keyword('AND')) left = { k: 'binary', op: 'AND', left, right: this.not() };
    return left;
  }

  private not(): Expr {
    return this.keyword('NOT') ? { k: 'not', expr: this.not() } : this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const tok = this.peek();
    if (tok.t === 'op' && COMPARISONS.has(tok.value)) {
      this.i++;
      const op = (tok.value === '!=' ? '<>' : tok.value) as BinaryOp;
      return { k: 'binary', op, left, right: this.additive() };
    }
    if (this.keyword('IS')) {
      const negated = this.keyword('NOT');
      this.expectKeyword('NULL');
      return { k: 'isNull', expr: left, negated };
    }
    const negated = this.keyword('NOT');
    if (this.keyword('IN')) return { k: 'in', expr: left, list: this.parenList(), negated };
    if (this.keyword('LIKE')) return { k: 'binary', op: negated ? 'NOT LIKE' : 'LIKE', left, right: this.additive() };
    if (negated) this.fail('expected `IN` or `LIKE` after `NOT`');
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    for (let op = this.op('+', '-', '||'); op; op = this.op('+', '-', '||')) left = { k: 'binary', op, left, right: this.multiplicative() };
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    for (let op = this.op('*', '/', '%'); op; op = this.op('*', '/', '%')) left = { k: 'binary', op, left, right: this.unary() };
    return left;
  }

  private unary(): Expr {
    if (this.op('-')) return { k: 'negate', expr: this.unary() };
    let expr = this.primary();
    while (this.op('::')) expr = { k: 'cast', expr, type: this.typeName() };
    return expr;
  }

  private primary(): Expr {
    const tok = this.next();
    switch (tok.t) {
      case 'string':
        return { k: 'string', value: tok.value };
      case 'number':
        return { k: 'number', value: tok.value };
      case 'at':
        return { k: 'call', name: `@${tok.value}`, at: true, args: this.isOp('(') ? this.parenList(true) : [], pos: tok.pos };
      case 'op':
        if (tok.value !== '(') return this.fail(`unexpected \`${tok.value}\``, tok.pos);
        return this.closing(this.or());
      case 'end':
        return this.fail('unexpected end of expression', tok.pos);
      case 'word':
        return this.word(tok);
    }
  }

  private word(tok: Extract<Token, { t: 'word' }>): Expr {
    if (tok.quoted) return { k: 'column', name: tok.value, pos: tok.pos };
    const upper = tok.value.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { k: 'boolean', value: upper === 'TRUE' };
    if (upper === 'NULL') return { k: 'null' };
    if (upper === 'CASE') return this.caseExpr();
    if (upper === 'CAST') {
      this.expectOp('(');
      const expr = this.or();
      this.expectKeyword('AS');
      return this.closing({ k: 'cast', expr, type: this.typeName() });
    }
    if (KEYWORDS.has(upper)) return this.fail(`unexpected \`${tok.value}\``, tok.pos);
    if (this.isOp('(')) return { k: 'call', name: tok.value.toLowerCase(), at: false, args: this.parenList(true), pos: tok.pos };
    return { k: 'column', name: tok.value, pos: tok.pos };
  }

  private caseExpr(): Expr {
    const operand = this.isKeyword('WHEN') ? null : this.or();
    const whens: When[] = [];
    while (this.keyword('WHEN')) {
      const when = this.or();
      this.expectKeyword('THEN');
      whens.push({ when, then: this.or() });
    }
    if (whens.length === 0) this.fail('expected `WHEN`');
    const otherwise = this.keyword('ELSE') ? this.or() : null;
    this.expectKeyword('END');
    return { k: 'case', operand, whens, otherwise };
  }

  /** A type name such as `varchar(20)` or `double precision`, checked to be plain. */
  private typeName(): string {
    const start = this.peek().pos;
    let text = '';
    while (this.peek().t === 'word' && !this.isKeyword('END') && !this.isKeyword('THEN')) text += `${text ? ' ' : ''}${(this.next() as { value: string }).value}`;
    if (this.op('(')) {
      const nums: number[] = [];
      do {
        const n = this.next();
        if (n.t !== 'number') return this.fail('expected a number in the type', n.pos);
        nums.push(n.value);
      } while (this.op(','));
      this.expectOp(')');
      text += `(${nums.join(', ')})`;
    }
    const type = castableType(text);
    return type ?? this.fail(`invalid type \`${text}\``, start);
  }

  private parenList(allowEmpty = false): Expr[] {
    this.expectOp('(');
    if (allowEmpty && this.op(')')) return [];
    const items = [this.or()];
    while (this.op(',')) items.push(this.or());
    this.expectOp(')');
    return items;
  }

  private closing(expr: Expr): Expr {
    this.expectOp(')');
    return expr;
  }

  expectEnd(): void {
    const tok = this.peek();
    if (tok.t !== 'end') this.fail(`unexpected \`${'value' in tok ? String(tok.value) : ''}\``, tok.pos);
  }

  private peek(): Token {
    return this.tokens[this.i]!;
  }

  private next(): Token {
    const tok = this.tokens[this.i]!;
    if (tok.t !== 'end') this.i++;
    return tok;
  }

  private isOp(value: string): boolean {
    const tok = this.peek();
    return tok.t === 'op' && tok.value === value;
  }

  private op<T extends string>(...values: T[]): T | null {
    const tok = this.peek();
    if (tok.t !== 'op' || !values.includes(tok.value as T)) return null;
    this.i++;
    return tok.value as T;
  }

  private expectOp(value: string): void {
    if (!this.op(value)) this.fail(`expected \`${value}\``);
  }

  private isKeyword(word: string): boolean {
    const tok = this.peek();
    return tok.t === 'word' && !tok.quoted && tok.value.toUpperCase() === word;
  }

  private keyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.i++;
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.keyword(word)) this.fail(`expected \`${word}\``);
  }

  private fail(problem: string, pos = this.peek().pos): never {
    throw new ExpressionError(problem, pos);
  }
}
