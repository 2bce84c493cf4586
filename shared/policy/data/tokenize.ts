import { ExpressionError } from './errors.ts';

export type Token =
  | { readonly t: 'string'; readonly value: string; readonly pos: number }
  | { readonly t: 'number'; readonly value: number; readonly pos: number }
  /** A bare word: keyword, function name or column; `quoted` for `"…"` identifiers. */
  | { readonly t: 'word'; readonly value: string; readonly quoted: boolean; readonly pos: number }
  | { readonly t: 'at'; readonly value: string; readonly pos: number }
  | { readonly t: 'op'; readonly value: string; readonly pos: number }
  | { readonly t: 'end'; readonly pos: number };

const OPS = ['<>', '!=', '<=', '>=', '||', '::', '=', '<', '>', '(', ')', ',', '+', '-', '*', '/', '%'];
const WORD_START = /[A-Za-z_]/;
const WORD = /[A-Za-z0-9_$]/;

/**
 * Splits expression text into tokens. Literals are kept as their values, never as source
 * text, so the SQL written later re-escapes them for its dialect.
 */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '-' && text[i + 1] === '-') throw new ExpressionError('comments are not allowed', i);
    if (c === '/' && text[i + 1] === '*') throw new ExpressionError('comments are not allowed', i);
    if (c === "'" || c === '"') {
      const { value, end } = quoted(text, i, c);
      out.push(c === "'" ? { t: 'string', value, pos: i } : { t: 'word', value, quoted: true, pos: i });
      i = end;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i))!;
      const value = Number(m[0]);
      // SQL has no infinite number: a numeral past the double range is refused here, at PUT.
      if (!Number.isFinite(value)) throw new ExpressionError(`number \`${m[0]}\` is out of range`, i);
      out.push({ t: 'number', value, pos: i });
      i += m[0].length;
      continue;
    }
    if (c === '@' || WORD_START.test(c)) {
      let j = i + 1;
      while (j < text.length && WORD.test(text[j]!)) j++;
      if (c === '@' && j === i + 1) throw new ExpressionError('expected a function name after `@`', i);
      const value = text.slice(i + (c === '@' ? 1 : 0), j);
      out.push(c === '@' ? { t: 'at', value, pos: i } : { t: 'word', value, quoted: false, pos: i });
      i = j;
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character \`${c}\``, i);
    out.push({ t: 'op', value: op, pos: i });
    i += op.length;
  }
  out.push({ t: 'end', pos: text.length });
  return out;
}

/** A `'…'` or `"…"` token with its quote doubled inside; backslashes are plain characters. */
function quoted(text: string, start: number, q: string): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const j = text.indexOf(q, i);
    if (j === -1) throw new ExpressionError(q === "'" ? 'unterminated string' : 'unterminated quoted identifier', start);
    value += text.slice(i, j);
    if (text[j + 1] !== q) return { value, end: j + 1 };
    value += q;
    i = j + 2;
  }
}
