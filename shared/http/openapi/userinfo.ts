import type { Operation } from './operations.ts';

/** Nothing is bridged any more: every operation of the `userinfo` function is declared. */
export const USERINFO_OPERATIONS: readonly Operation[] = [];
