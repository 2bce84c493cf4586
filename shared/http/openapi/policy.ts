import type { Operation } from './operations.ts';

/** Nothing is bridged any more: every operation of the `policy` function is declared. */
export const POLICY_OPERATIONS: readonly Operation[] = [];
