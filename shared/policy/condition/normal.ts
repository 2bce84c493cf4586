import type { TestCode } from './test-code.ts';

/** What a set of fact ids asks: one held, all held, none held, or one missing. */
export type SetOp = 'any' | 'all' | 'none' | 'notAll';

/**
 * A test in the form a program runs: negations pushed down into the sets (`NOT @isInGroups(G)` is
 * `none` of G), chains of `and` and `or` flattened, and the sets one chain can merge merged (the
 * `all` and `none` sets of an `and`, the `any` and `notAll` sets of an `or`), so that a chain reads
 * as few masks as it can. What a set cannot spell (an approval, a call) stays a leaf, negated or not.
 */
export type NormalTest =
  | { readonly op: 'constant'; readonly holds: boolean }
  | { readonly op: SetOp; readonly ids: readonly number[] }
  | { readonly op: 'leaf'; readonly code: TestCode & { readonly op: 'approved' | 'call' }; readonly negated: boolean }
  | { readonly op: 'and' | 'or'; readonly parts: readonly NormalTest[] };

const NEGATION: Record<SetOp, SetOp> = { any: 'none', all: 'notAll', none: 'any', notAll: 'all' };

/** What an empty set answers: no id is held, and none is missing. */
const EMPTY: Record<SetOp, boolean> = { any: false, all: true, none: true, notAll: false };

/** The ops of the sets a chain of `op` merges into one. */
const MERGES: Record<'and' | 'or', readonly SetOp[]> = { and: ['all', 'none'], or: ['any', 'notAll'] };

/** Whether `t` is a set of fact ids. */
export function isSet(t: NormalTest): t is NormalTest & { readonly op: SetOp } {
  return t.op !== 'constant' && t.op !== 'leaf' && t.op !== 'and' && t.op !== 'or';
}

function set(op: SetOp, ids: readonly number[]): NormalTest {
  return ids.length === 0 ? { op: 'constant', holds: EMPTY[op] } : { op, ids };
}

/** Whether running the test may call out, hence whether it should run after those that cannot. */
export function normalCallsOut(t: NormalTest): boolean {
  if (t.op === 'leaf') return t.code.op === 'call';
  return (t.op === 'and' || t.op === 'or') && t.parts.some(normalCallsOut);
}

/*
 * Every part is pure, so a chain may be reordered and a constant that settles it may stand for
 * it: only how soon the answer is known changes. Merged sets come first, then the other parts
 * that do not call out, then those that do.
 */
function chain(op: 'and' | 'or', parts: readonly NormalTest[]): NormalTest {
  const settles = op === 'or';
  const merged = new Map<SetOp, number[]>();
  const cheap: NormalTest[] = [];
  const dear: NormalTest[] = [];
  const flat = [...parts];
  for (let i = 0; i < flat.length; i++) {
    const p = flat[i]!;
    if (p.op === op) flat.push(...p.parts);
    else if (p.op === 'constant') {
      if (p.holds === settles) return p;
    } else if (isSet(p) && MERGES[op].includes(p.op)) {
      let ids = merged.get(p.op);
      if (!ids) merged.set(p.op, (ids = []));
      ids.push(...p.ids);
    } else (normalCallsOut(p) ? dear : cheap).push(p);
  }
  const out: NormalTest[] = [];
  for (const [setOp, ids] of merged) out.push(set(setOp, ids));
  out.push(...cheap, ...dear);
  if (out.length === 1) return out[0]!;
  return out.length === 0 ? { op: 'constant', holds: !settles } : { op, parts: out };
}

/** `code` in normal form; `negated`: of `NOT code`. */
export function normalise(code: TestCode, negated = false): NormalTest {
  switch (code.op) {
    case 'constant':
      return { op: 'constant', holds: code.holds !== negated };
    case 'approved':
    case 'call':
      return { op: 'leaf', code, negated };
    case 'any':
    case 'all':
      return set(negated ? NEGATION[code.op] : code.op, [...code.ids]);
    case 'not':
      return normalise(code.operand, !negated);
    case 'and':
    case 'or': {
      const op = (code.op === 'and') !== negated ? 'and' : 'or';
      return chain(op, [normalise(code.left, negated), normalise(code.right, negated)]);
    }
  }
}

/** Tests that must all hold (`and`) or of which one must (`or`), as one test. */
export function joined(op: 'and' | 'or', tests: readonly NormalTest[]): NormalTest {
  return chain(op, tests);
}
