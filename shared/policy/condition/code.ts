import type { Subject } from '#shared/model/identity.ts';
import type { SourceFacts } from '../source-facts.ts';
import { holdsAll, holdsAny, subjectFacts, type SubjectFacts } from './facts.ts';
import { isSet, normalise, type NormalTest, type SetOp } from './normal.ts';
import type { Call, TestCode } from './test-code.ts';

/**
 * A test of a program, and the scope it runs in: the index of the program's guard that says
 * whether the view is the subject's own (-1: always), such as a plan's test of trust. Keyed calls
 * are shared within one scope.
 */
export interface ScopedTest {
  readonly test: NormalTest;
  readonly scope: number;
}

const FALSE = 0;
const TRUE = 1;
const APPROVED = 2;
const ANY = 3;
const ALL = 4;
const NONE = 5;
const NOT_ALL = 6;
const NOT = 7;
const AND = 8;
const OR = 9;
const CALL = 10;

const SET_OPS: Record<SetOp, number> = { any: ANY, all: ALL, none: NONE, notAll: NOT_ALL };

function gatherIds(t: NormalTest, bits: Map<number, number>): void {
  if (t.op === 'and' || t.op === 'or') for (const p of t.parts) gatherIds(p, bits);
  else if (isSet(t)) for (const id of t.ids) if (!bits.has(id)) bits.set(id, bits.size);
}

/** Builds the ops of a program's tests; each fact id has the bit of its first appearance, so a merged set's bits are adjacent. */
class Assembler {
  readonly ops: number[] = [];
  readonly calls: Call[] = [];
  readonly #keyed = new Map<string, number>();

  constructor(readonly bits: ReadonlyMap<number, number>) {}

  /**
   * Appends `t` as `[op, length, operands…]` (length counts the whole node, so a reader skips a
   * subtree in one step): a set's operands are `(word, mask)` pairs, a chain's its parts, a
   * call's its index in `calls`.
   */
  emit(t: NormalTest, scope: number): void {
    const { ops } = this;
    const at = ops.length;
    switch (t.op) {
      case 'constant':
        ops.push(t.holds ? TRUE : FALSE, 2);
        return;
      case 'leaf':
        if (t.negated) ops.push(NOT, 0);
        if (t.code.op === 'approved') ops.push(APPROVED, 2);
        else ops.push(CALL, 3, this.#call(t.code, scope));
        if (t.negated) ops[at + 1] = ops.length - at;
        return;
      case 'and':
      case 'or':
        ops.push(t.op === 'and' ? AND : OR, 0);
        for (const p of t.parts) this.emit(p, scope);
        break;
      default:
        ops.push(SET_OPS[t.op], 0);
        this.#masks(t.ids);
    }
    ops[at + 1] = ops.length - at;
  }

  #masks(ids: readonly number[]): void {
    const words = new Map<number, number>();
    for (const id of ids) {
      const bit = this.bits.get(id)!;
      words.set(bit >>> 5, (words.get(bit >>> 5) ?? 0) | (1 << (bit & 31)));
    }
    for (const [word, mask] of words) this.ops.push(word, mask);
  }

  #call(code: TestCode & { op: 'call' }, scope: number): number {
    if (code.key === undefined) return this.calls.push(code.call) - 1;
    const key = `${scope} ${code.key}`;
    let index = this.#keyed.get(key);
    if (index === undefined) this.#keyed.set(key, (index = this.calls.push(code.call) - 1));
    return index;
  }
}

/**
 * Tests flattened into one block of integers: the guards, then each test as `[guard, test…]` (the
 * pc of its scope's guard, -1 for none), followed by what a run works
 * in: a hash table from each fact id the tests read to its bit (pairs `id + 1, bit`, probed
 * linearly from `id & (slots - 1)`), a zero bit per id (what a view without groups or attributes
 * holds), the subject's bit per id, and one answer per call. `load` sets the subject's bits from
 * its facts once per run, a probe or two per fact; then each set is a mask or two and a keyed
 * call runs once however many tests make it. The work area lives in the program itself: it is
 * read with the ops (the same few cache lines), and a call running another program cannot
 * overwrite it. Not meant for the array methods that build a new array of the same kind (`map`,
 * `slice`…): they would call this constructor.
 */
export class Program extends Int32Array {
  readonly calls: readonly Call[];
  readonly tableAt: number;
  /** Slots of the table, less one (-1: no fact id to look up). */
  readonly slotMask: number;
  readonly zerosAt: number;
  readonly bitsAt: number;
  readonly callsAt: number;
  /** Where the first test starts. */
  readonly testsAt: number;

  constructor(tests: readonly ScopedTest[], guards: readonly NormalTest[] = []) {
    const bits = new Map<number, number>();
    for (const g of guards) gatherIds(g, bits);
    for (const t of tests) gatherIds(t.test, bits);
    const asm = new Assembler(bits);
    const guardAt: number[] = [];
    for (const g of guards) {
      guardAt.push(asm.ops.length);
      asm.emit(g, -1);
    }
    const testsAt = asm.ops.length;
    for (const t of tests) {
      asm.ops.push(t.scope === -1 ? -1 : guardAt[t.scope]!);
      asm.emit(t.test, t.scope);
    }
    // Twice as many slots as ids: a fact the program does not read, the common case, ends its probe soon.
    // A shift, not `2 **`: a double here would make every offset below a boxed number, one more
    // memory read per use on the decision path.
    const slots = bits.size === 0 ? 0 : 1 << (32 - Math.clz32(2 * bits.size - 1));
    const words = (bits.size + 31) >>> 5;
    super(asm.ops.length + 2 * slots + 2 * words + asm.calls.length);
    this.set(asm.ops);
    this.tableAt = asm.ops.length;
    this.slotMask = slots - 1;
    for (const [id, bit] of bits) {
      let h = id & this.slotMask;
      while (this[this.tableAt + 2 * h] !== 0) h = (h + 1) & this.slotMask;
      this[this.tableAt + 2 * h] = id + 1;
      this[this.tableAt + 2 * h + 1] = bit;
    }
    this.zerosAt = this.tableAt + 2 * slots;
    this.bitsAt = this.zerosAt + words;
    this.callsAt = this.bitsAt + words;
    this.testsAt = testsAt;
    this.calls = asm.calls;
  }
}

/** Starts a run of `p` for a subject with these `facts`: its bits set, its calls not yet made. */
export function load(p: Program, facts: SubjectFacts): void {
  const bits = p.bitsAt;
  for (let i = bits; i < p.length; i++) p[i] = 0;
  const mask = p.slotMask;
  if (mask < 0) return;
  const table = p.tableAt;
  for (let i = 0; i < facts.length; i++) {
    const key = facts[i]! + 1;
    for (let h = (key - 1) & mask; ; h = (h + 1) & mask) {
      const k = p[table + 2 * h]!;
      if (k === key) {
        const bit = p[table + 2 * h + 1]!;
        const word = bits + (bit >>> 5);
        p[word] = p[word]! | (1 << (bit & 31));
        break;
      }
      if (k === 0) break;
    }
  }
}

/**
 * Whether the node at `pc` holds in the run `load` started, for a view whose bits start at `base`
 * (`p.bitsAt`, or `p.zerosAt` for a view without groups or attributes). Plain arguments rather
 * than an object: this runs per test per decision, and allocates nothing.
 */
export function runAt(p: Program, pc: number, base: number, view: Subject, source: SourceFacts, approved: boolean): boolean {
  const op = p[pc]!;
  if (op <= APPROVED) return op === TRUE || (op === APPROVED && approved);
  const end = pc + p[pc + 1]!;
  if (op <= NOT_ALL) {
    // A set: whether some mask meets the view's bits (`any`, `none`), or some misses one (`all`, `notAll`).
    const some = op === ANY || op === NONE;
    let met = false;
    for (let i = pc + 2; i < end && !met; i += 2) {
      const held = p[base + p[i]!]! & p[i + 1]!;
      met = some ? held !== 0 : held !== p[i + 1]!;
    }
    return met === (op === ANY || op === NOT_ALL);
  }
  if (op === NOT) return !runAt(p, pc + 2, base, view, source, approved);
  if (op === CALL) return called(p, p[pc + 2]!, view, source, approved);
  // A chain: the first part that settles it (fails an `and`, holds for an `or`) answers.
  const settles = op === OR;
  for (let c = pc + 2; c < end; c += p[c + 1]!) if (runAt(p, c, base, view, source, approved) === settles) return settles;
  return !settles;
}

/** A call's answer, made on first use in the run. */
function called(p: Program, index: number, view: Subject, source: SourceFacts, approved: boolean): boolean {
  const at = p.callsAt + index;
  const made = p[at]!;
  if (made !== 0) return made === 2;
  const holds = p.calls[index]!(view, source, approved);
  p[at] = holds ? 2 : 1;
  return holds;
}

/**
 * The test `code` spells, for one subject and source (no approval: conditions never read it);
 * `facts`: the subject's, when the caller already has them.
 */
export function testOf(code: TestCode): (subject: Subject, source: SourceFacts, facts?: SubjectFacts) => boolean {
  // One set alone (most conditions of data policies) is a merge of two short sorted lists: cheaper
  // than a program, which clears and sets its bits on every call.
  const { op } = code;
  if (op === 'any' || op === 'all') {
    const holds = op === 'any' ? holdsAny : holdsAll;
    return (s, _f, facts = subjectFacts(s)) => holds(facts, code.ids);
  }
  const p = new Program([{ test: normalise(code), scope: -1 }]);
  return (s, f, facts = subjectFacts(s)) => {
    load(p, facts);
    return runAt(p, 1, p.bitsAt, s, f, false);
  };
}
