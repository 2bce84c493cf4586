import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Subject } from '#shared/model/identity.ts';
import { load, Program, runAt, testOf } from '#shared/policy/condition/code.ts';
import type { TestCode } from '#shared/policy/condition/test-code.ts';
import { factSet } from '#shared/policy/condition/facts.ts';
import { normalise } from '#shared/policy/condition/normal.ts';
import { sourceFacts } from '#shared/policy/source-facts.ts';
import { source, subject } from './fixtures.ts';

const SOURCE = sourceFacts(source('s', ['T']));
const USER = subject('u');

/** What `code` means, read off the tree itself: the reference a program must agree with. */
function meaning(code: TestCode, held: ReadonlySet<number>, approved: boolean): boolean {
  switch (code.op) {
    case 'constant':
      return code.holds;
    case 'approved':
      return approved;
    case 'any':
      return [...code.ids].some((id) => held.has(id));
    case 'all':
      return [...code.ids].every((id) => held.has(id));
    case 'not':
      return !meaning(code.operand, held, approved);
    case 'and':
      return meaning(code.left, held, approved) && meaning(code.right, held, approved);
    case 'or':
      return meaning(code.left, held, approved) || meaning(code.right, held, approved);
    case 'call':
      return code.call(USER, SOURCE, approved);
  }
}

// Ids past 64 spread a program's sets over more than two words of bits.
const ids = fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 6 }).map((xs) => factSet(xs));
const { code } = fc.letrec<{ code: TestCode }>((tie) => ({
  code: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.boolean().map((holds): TestCode => ({ op: 'constant', holds })),
    fc.constant<TestCode>({ op: 'approved' }),
    fc.tuple(fc.constantFrom('any' as const, 'all' as const), ids).map(([op, xs]): TestCode => ({ op, ids: xs })),
    fc.boolean().map((holds): TestCode => ({ op: 'call', call: () => holds, key: `${holds}` })),
    tie('code').map((operand): TestCode => ({ op: 'not', operand })),
    fc.tuple(fc.constantFrom('and' as const, 'or' as const), tie('code'), tie('code')).map(([op, left, right]): TestCode => ({ op, left, right })),
  ),
}));

function run(p: Program, held: readonly number[], approved: boolean, view: Subject = USER): boolean {
  load(p, factSet(held));
  return runAt(p, p.testsAt + 1, p.bitsAt, view, SOURCE, approved);
}

describe('a program', () => {
  it('answers as the tree it flattens, negations pushed down and sets merged, for any facts', () => {
    fc.assert(
      fc.property(code, fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 12 }), fc.boolean(), (c, held, approved) => {
        const p = new Program([{ test: normalise(c), scope: -1 }]);
        expect(run(p, held, approved)).toBe(meaning(c, new Set(held), approved));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the same answer after a run for another subject (no bit or call answer left over)', () => {
    fc.assert(
      fc.property(code, fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 12 }), { minLength: 2, maxLength: 4 }), (c, subjects) => {
        const p = new Program([{ test: normalise(c), scope: -1 }]);
        for (const held of subjects) expect(run(p, held, false)).toBe(meaning(c, new Set(held), false));
      }),
      { numRuns: 500 },
    );
  });

  it('makes a keyed call once per run however many tests of one scope make it, and once per scope', () => {
    let made = 0;
    const call: TestCode = { op: 'call', call: () => (made++, false), key: 'k' };
    const twice = normalise({ op: 'or', left: call, right: { op: 'not', operand: { op: 'not', operand: call } } });
    const p = new Program([
      { test: twice, scope: -1 },
      { test: twice, scope: -1 },
      { test: twice, scope: 0 },
    ], [{ op: 'constant', holds: true }]);
    load(p, factSet([]));
    let pc = p.testsAt;
    for (let n = 0; n < 3; n++) {
      expect(runAt(p, pc + 1, p.bitsAt, USER, SOURCE, false)).toBe(false);
      pc += 1 + p[pc + 2]!;
    }
    expect(made).toBe(2);
    load(p, factSet([]));
    runAt(p, p.testsAt + 1, p.bitsAt, USER, SOURCE, false);
    expect(made).toBe(3);
  });

  it('reads no fact of a view without groups or attributes: its sets see the zero bits', () => {
    const p = new Program([{ test: normalise({ op: 'any', ids: factSet([3, 70]) }), scope: -1 }]);
    load(p, factSet([3, 70]));
    expect(runAt(p, p.testsAt + 1, p.bitsAt, USER, SOURCE, false)).toBe(true);
    expect(runAt(p, p.testsAt + 1, p.zerosAt, USER, SOURCE, false)).toBe(false);
  });
});

describe('testOf', () => {
  it('answers any code as the tree means, a lone set (merged, not run as a program) included, for any facts', () => {
    fc.assert(
      fc.property(code, fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 12 }), (c, held) => {
        // Conditions never read an approval: `testOf` runs without one.
        expect(testOf(c)(USER, SOURCE, factSet(held))).toBe(meaning(c, new Set(held), false));
      }),
      { numRuns: 2000 },
    );
  });
});
