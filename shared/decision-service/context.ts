import type { Caller } from '#shared/auth/caller.ts';

/** Who asks, for the audit trail. */
export interface DecisionContext {
  readonly caller: Caller;
  readonly requestId?: string;
}
