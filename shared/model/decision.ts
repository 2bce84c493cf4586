import type { Masking } from './policy.ts';
import type { UserRef } from './identity.ts';

export const DIALECTS = ['postgres', 'trino', 'snowflake', 'databricks'] as const;
export type Dialect = (typeof DIALECTS)[number];

/** One subscription policy's verdict for one (user, source) pair. */
export interface SubscriptionVerdict {
  readonly policyKey: string;
  readonly merge: 'alwaysRequired' | 'shareResponsibility';
  readonly satisfied: boolean;
  readonly explanation: string;
}

/** What a user sees of one column. */
export interface ColumnDecision {
  readonly name: string;
  readonly action: 'clear' | 'mask';
  readonly masking?: Masking;
  readonly policyKey?: string;
  /** Policies whose mask on this column lost the conflict to `policyKey`. */
  readonly overridden?: readonly string[];
  /** Why the column is clear although a mask targets it (exception held, inclusion did not). */
  readonly explanation?: string;
  readonly expression: string;
}

export interface RowFilterDecision {
  readonly expression: string | null;
  readonly policyKeys: readonly string[];
}

/** The answer of `POST /v1/decisions`. */
export interface Decision {
  readonly user: UserRef;
  readonly impersonatedBy: { readonly type: string; readonly id: string } | null;
  readonly dataSource: string;
  readonly access: 'granted' | 'denied';
  readonly discoverable: boolean;
  readonly reason?: string;
  readonly subscription: readonly SubscriptionVerdict[];
  readonly columns: readonly ColumnDecision[];
  readonly rowFilter: RowFilterDecision;
  readonly query?: string;
}
