import type { Subject } from '#shared/model/identity.ts';
import type { SourceFacts } from '../source-facts.ts';

/**
 * A test the flat form cannot spell: called with the subject's view, the source and the approval.
 * It only reads them (maps and sets), so it never throws and may run in any order.
 */
export type Call = (view: Subject, source: SourceFacts, approved: boolean) => boolean;

/**
 * The yes/no form of a test, as a tree built at compile time. A program flattens the trees of
 * its tests into one array of integers (see `Program`), so that a run reads one contiguous block
 * instead of following a closure and its captured objects per test. Calls with equal `key`s give
 * equal answers on the same view and source, so a program runs one of them once per run.
 */
export type TestCode =
  | { readonly op: 'constant'; readonly holds: boolean }
  | { readonly op: 'approved' }
  | { readonly op: 'any' | 'all'; readonly ids: Int32Array }
  | { readonly op: 'not'; readonly operand: TestCode }
  | { readonly op: 'and' | 'or'; readonly left: TestCode; readonly right: TestCode }
  | { readonly op: 'call'; readonly call: Call; readonly key?: string };
