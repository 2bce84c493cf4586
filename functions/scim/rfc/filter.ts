/*
 * RFC 7644 §3.4.2.2 filters, parsed by hand. `scim2-parse-filter` (the maintained option) was
 * inspected: its parser is fine, but its evaluator folds no case per attribute, knows no
 * dateTime ordering and no `emails[…].value eq` form, and its AST keeps paths as raw strings,
 * so every use would need a wrapper re-parsing URN prefixes and sub-attributes. A ~150-line
 * recursive-descent parser producing our own typed AST is smaller than those wrappers.
 */
import { attributeInfo } from './attributes.ts';
import { InvalidFilterError } from './errors.ts';
import { formatPath, parseAttrPath, type AttrPath } from './path.ts';

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;

/** A parsed filter. Inside `valuePath.filter`, paths are relative to one element of `path`. */
export type Filter =
  | { readonly kind: 'compare'; readonly path: AttrPath; readonly op: CompareOp; readonly value: Literal }
  | { readonly kind: 'present'; readonly path: AttrPath }
  | { readonly kind: 'and' | 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  | { readonly kind: 'valuePath'; readonly path: AttrPath; readonly filter: Filter };

/** A PATCH `path` (RFC 7644 §3.5.2): `attrPath`, or `attr[filter]` with an optional `.sub`. */
export interface PatchPath {
  readonly path: AttrPath;
  readonly filter?: Filter;
  readonly sub?: string;
}

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const WORD = /[A-Za-z0-9_$:.\-]/;
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;
/** Bounds recursion so hostile input gets a 400, never a stack overflow. */
const MAX_DEPTH = 64;
/** Also bounds the evaluator's recursion over long `and`/`or` chains. */
const MAX_LENGTH = 10_000;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  fail(why: string): never {
    throw new InvalidFilterError(`invalid filter \`${this.src}\`: ${why}`);
  }

  private skipSpace(): void {
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.src.length;
  }

  /** Consumes `ch` if it comes next. */
  eat(ch: string): boolean {
    this.skipSpace();
    if (this.src[this.pos] !== ch) return false;
    this.pos++;
    return true;
  }

  expect(ch: string): void {
    if (!this.eat(ch)) this.fail(`expected \`${ch}\` at position ${this.pos + 1}`);
  }

  private peekWord(): string {
    this.skipSpace();
    let end = this.pos;
    while (end < this.src.length && WORD.test(this.src[end]!)) end++;
    return this.src.slice(this.pos, end);
  }

  word(): string {
    const w = this.peekWord();
    this.pos += w.length;
    return w;
  }

  /** Consumes keyword `kw` (case-insensitive) if it comes next as a whole word. */
  keyword(kw: string): boolean {
    if (this.peekWord().toLowerCase() !== kw) return false;
    this.pos += kw.length;
    return true;
  }

  attrPath(): AttrPath {
    const text = this.word();
    if (!text) this.fail(`expected an attribute name at position ${this.pos + 1}`);
    const path = parseAttrPath(text);
    return path ?? this.fail(`invalid attribute path \`${text}\``);
  }

  /** The sub-attribute after `]`, as in `emails[type eq "work"].value`. */
  subAfterBracket(): string | undefined {
    if (this.src[this.pos] !== '.') return undefined;
    this.pos++;
    const sub = this.word();
    return /^[A-Za-z$][\w$-]*$/.test(sub) ? sub : this.fail(`invalid sub-attribute \`${sub}\``);
  }

  or(inValuePath: boolean): Filter {
    if (++this.depth > MAX_DEPTH) this.fail('nested too deeply');
    let left = this.and(inValuePath);
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and(inValuePath) };
    this.depth--;
    return left;
  }

  private and(inValuePath: boolean): Filter {
    let left = this.unary(inValuePath);
    while (this.keyword('and')) left = { kind: 'and', left, right: this.unary(inValuePath) };
    return left;
  }

  private unary(inValuePath: boolean): Filter {
    if (this.keyword('not')) {
      this.expect('(');
      const filter = this.or(inValuePath);
      this.expect(')');
      return { kind: 'not', filter };
    }
    if (this.eat('(')) {
      const inner = this.or(inValuePath);
      this.expect(')');
      return inner;
    }
    const path = this.attrPath();
    if (!this.eat('[')) return this.condition(path);
    if (inValuePath) this.fail('value filters cannot be nested');
    if (path.sub !== undefined) this.fail(`\`${formatPath(path)}\` cannot take a value filter`);
    let filter = this.or(true);
    this.expect(']');
    const sub = this.subAfterBracket();
    // `emails[type eq "work"].value eq "x"` (sent by Entra) means `emails[type eq "work" and value eq "x"]`.
    if (sub !== undefined) filter = { kind: 'and', left: filter, right: this.condition({ attr: sub }) };
    return { kind: 'valuePath', path, filter };
  }

  private condition(path: AttrPath): Filter {
    const op = this.word().toLowerCase();
    if (op === 'pr') return { kind: 'present', path };
    if (!COMPARE_OPS.has(op)) this.fail(op ? `unknown operator \`${op}\`` : `expected an operator after \`${formatPath(path)}\``);
    const value = this.literal();
    const compareOp = op as CompareOp;
    if (['gt', 'ge', 'lt', 'le'].includes(op) && (typeof value === 'boolean' || value === null || attributeInfo(path).type === 'boolean')) {
      this.fail(`\`${op}\` cannot order booleans or null`);
    }
    if (['co', 'sw', 'ew'].includes(op) && typeof value !== 'string') this.fail(`\`${op}\` takes a string`);
    return { kind: 'compare', path, op: compareOp, value };
  }

  private literal(): Literal {
    this.skipSpace();
    if (this.src[this.pos] === '"') return this.string();
    const w = this.word();
    const lower = w.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (NUMBER.test(w)) return Number(w);
    return this.fail(w ? `invalid value \`${w}\`` : `expected a value at position ${this.pos + 1}`);
  }

  private string(): string {
    const start = this.pos;
    for (this.pos++; this.pos < this.src.length; this.pos++) {
      const c = this.src[this.pos];
      if (c === '\\') this.pos++;
      else if (c === '"') {
        this.pos++;
        try {
          return JSON.parse(this.src.slice(start, this.pos)) as string;
        } catch {
          return this.fail('invalid escape in string');
        }
      }
    }
    return this.fail('unterminated string');
  }
}

/** Parses a `filter` query parameter; throws InvalidFilterError (SCIM 400 `invalidFilter`). */
export function parseFilter(text: string): Filter {
  const p = new Parser(text);
  if (text.length > MAX_LENGTH) p.fail(`longer than ${MAX_LENGTH} characters`);
  if (p.atEnd()) p.fail('empty filter');
  const filter = p.or(false);
  if (!p.atEnd()) p.fail('unexpected text after the filter');
  return filter;
}

/** Parses a PATCH `path`; throws InvalidFilterError when the value filter is malformed. */
export function parsePatchPath(text: string): PatchPath | undefined {
  const p = new Parser(text);
  const path = parseAttrPath(p.word());
  if (!path) return undefined;
  if (!p.eat('[')) return p.atEnd() ? { path } : undefined;
  if (path.sub !== undefined) return undefined;
  const filter = p.or(true);
  p.expect(']');
  const sub = p.subAfterBracket();
  if (!p.atEnd()) return undefined;
  return { path, filter, ...(sub !== undefined ? { sub } : {}) };
}
