import type { Subject } from '#shared/model/identity.ts';
import type { SourceFacts } from '../source-facts.ts';
import { holdsAll, holdsAny, subjectFacts, type SubjectFacts } from './facts.ts';

/** A test the flat form cannot spell: called with the subject's view, its facts, the source and the approval. */
export type Call = (view: Subject, facts: SubjectFacts, source: SourceFacts, approved: boolean) => boolean;

/**
 * The yes/no form of a test, as a tree built at compile time. A source's access plan flattens
 * the trees of its policies into one array of integers (see `emit`), so that a decision reads
 * one contiguous block instead of following a closure and its captured objects per policy.
 */
export type TestCode =
  | { readonly op: 'constant'; readonly holds: boolean }
  | { readonly op: 'approved' }
  | { readonly op: 'any' | 'all'; readonly ids: Int32Array }
  | { readonly op: 'not'; readonly operand: TestCode }
  | { readonly op: 'and' | 'or'; readonly left: TestCode; readonly right: TestCode }
  | { readonly op: 'call'; readonly call: Call };

const FALSE = 0;
const TRUE = 1;
const APPROVED = 2;
const ANY = 3;
const ALL = 4;
const NOT = 5;
const AND = 6;
const OR = 7;
const CALL = 8;

/** Whether running `code` may call out (a call reads maps and sets, many times dearer than the facts). */
export function callsOut(code: TestCode): boolean {
  switch (code.op) {
    case 'call':
      return true;
    case 'not':
      return callsOut(code.operand);
    case 'and':
    case 'or':
      return callsOut(code.left) || callsOut(code.right);
    default:
      return false;
  }
}

/**
 * Appends `code` to `ops` as `[op, length, operands…]` (length counts the whole node, so a
 * reader skips a subtree in one step); a call's operand is its index in `calls`.
 */
export function emit(code: TestCode, ops: number[], calls: Call[]): void {
  const at = ops.length;
  switch (code.op) {
    case 'constant':
      ops.push(code.holds ? TRUE : FALSE, 2);
      return;
    case 'approved':
      ops.push(APPROVED, 2);
      return;
    case 'any':
    case 'all':
      ops.push(code.op === 'any' ? ANY : ALL, 2 + code.ids.length, ...code.ids);
      return;
    case 'call':
      ops.push(CALL, 3, calls.push(code.call) - 1);
      return;
    case 'not':
      ops.push(NOT, 0);
      emit(code.operand, ops, calls);
      break;
    case 'and':
    case 'or':
      ops.push(code.op === 'and' ? AND : OR, 0);
      emit(code.left, ops, calls);
      emit(code.right, ops, calls);
      break;
  }
  ops[at + 1] = ops.length - at;
}

/**
 * Whether the node of `ops` at `pc` holds for a view with these facts; `calls` are the ones
 * `emit` gathered with `ops`. Plain arguments rather than an object: this runs per policy per
 * decision, and allocates nothing.
 */
export function runAt(ops: Int32Array, pc: number, view: Subject, facts: SubjectFacts, calls: readonly Call[], source: SourceFacts, approved: boolean): boolean {
  switch (ops[pc]) {
    case TRUE:
      return true;
    case APPROVED:
      return approved;
    case ANY:
      return holdsAny(facts, ops, pc + 2, pc + ops[pc + 1]!);
    case ALL:
      return holdsAll(facts, ops, pc + 2, pc + ops[pc + 1]!);
    case NOT:
      return !runAt(ops, pc + 2, view, facts, calls, source, approved);
    case AND:
      return runAt(ops, pc + 2, view, facts, calls, source, approved) && runAt(ops, pc + 2 + ops[pc + 3]!, view, facts, calls, source, approved);
    case OR:
      return runAt(ops, pc + 2, view, facts, calls, source, approved) || runAt(ops, pc + 2 + ops[pc + 3]!, view, facts, calls, source, approved);
    case CALL:
      return calls[ops[pc + 2]!]!(view, facts, source, approved);
    default:
      return false;
  }
}

/**
 * The test `code` spells, for one subject and source (no approval: conditions never read it);
 * `facts`: the subject's, when the caller already has them.
 */
export function testOf(code: TestCode): (subject: Subject, source: SourceFacts, facts?: SubjectFacts) => boolean {
  const ops: number[] = [];
  const calls: Call[] = [];
  emit(code, ops, calls);
  const flat = Int32Array.from(ops);
  return (s, f, facts = subjectFacts(s)) => runAt(flat, 0, s, facts, calls, f, false);
}
