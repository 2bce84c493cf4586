import { ConditionSyntaxError } from '../errors.ts';

/** One token of the advanced condition language; `at` is its 0-based offset. */
export type Token =
  | { readonly type: 'function'; readonly name: string; readonly at: number }
  | { readonly type: 'string'; readonly value: string; readonly at: number }
  | { readonly type: 'and' | 'or' | 'not' | '(' | ')' | ','; readonly at: number }
  | { readonly type: 'end'; readonly at: number };

const KEYWORDS: Record<string, 'and' | 'or' | 'not'> = { and: 'and', or: 'or', not: 'not' };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

function isWordChar(c: string): boolean {
  return /[A-Za-z0-9_]/.test(c);
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start];
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\') {
      const next = text[i + 1];
      if (next === undefined) break;
      value += ESCAPES[next] ?? next;
      i++;
    } else {
      value += c;
    }
  }
  throw new ConditionSyntaxError('unterminated string', start);
}

/** Splits a condition into tokens; keywords are case-insensitive, strings take `'` or `"`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, at: i });
      i++;
    } else if (c === "'" || c === '"') {
      const { value, end } = readString(text, i);
      tokens.push({ type: 'string', value, at: i });
      i = end;
    } else if (c === '@' || isWordChar(c)) {
      let end = i + 1;
      while (end < text.length && isWordChar(text[end]!)) end++;
      const word = text.slice(i, end);
      const keyword = KEYWORDS[word.toLowerCase()];
      if (c === '@' && word.length > 1) tokens.push({ type: 'function', name: word, at: i });
      else if (keyword) tokens.push({ type: keyword, at: i });
      else throw new ConditionSyntaxError(`unexpected \`${word}\``, i);
      i = end;
    } else {
      throw new ConditionSyntaxError(`unexpected \`${c}\``, i);
    }
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}
