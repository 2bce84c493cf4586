import * as z from 'zod';
import { maskingSchema, type Masking } from './policy.ts';
import { idSchema, userRefSchema, type UserRef } from './identity.ts';
import { userRefView } from './impersonation.ts';

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
  /** Policies that target the source but its owners disabled on it. */
  readonly disabledPolicies?: readonly string[];
  readonly columns: readonly ColumnDecision[];
  readonly rowFilter: RowFilterDecision;
  readonly query?: string;
}

/** A user as a request names it: without `iamid`, a user of the default IAM. */
export type UserInput = { readonly userid: string; readonly iamid?: string | undefined };

/** The user a request names, with its IAM spelled out. */
export const withDefaultIam = (named: UserInput, defaultIam: string): UserRef => ({ iamid: named.iamid ?? defaultIam, userid: named.userid });

/** Most sources one batch decides. */
export const MAX_BATCH = 1000;

const dialect = z.enum(DIALECTS).default('postgres').meta({ description: 'the SQL dialect of `query` and every expression' });
const namedUser = userRefSchema.optional().meta({ description: 'whom the decision is about (`iamid` defaults to the default IAM); absent: the calling user' });

/** The body of `POST /v1/decisions`. */
export const decisionBodySchema = z.strictObject({ user: namedUser, dataSource: idSchema, dialect });

/** The body of `POST /v1/decisions/batch`. */
export const batchBodySchema = z.strictObject({ user: namedUser, dataSources: z.array(idSchema).min(1).max(MAX_BATCH), dialect });

const verdictView = z.object({ policyKey: z.string(), merge: z.enum(['alwaysRequired', 'shareResponsibility']), satisfied: z.boolean(), explanation: z.string() });

const columnView = z.object({
  name: z.string(),
  action: z.enum(['clear', 'mask']),
  masking: maskingSchema.optional(),
  policyKey: z.string().optional(),
  overridden: z.array(z.string()).readonly().optional().meta({ description: 'policies whose mask on this column lost the conflict to `policyKey`' }),
  explanation: z.string().optional(),
  expression: z.string().meta({ description: 'the column as the user sees it, in the dialect' }),
});

/** An explained access decision: may the user query the source, and what it sees. */
export const decisionView = z
  .object({
    user: userRefView,
    impersonatedBy: z.object({ type: z.string(), id: z.string() }).nullable(),
    dataSource: z.string(),
    access: z.enum(['granted', 'denied']),
    discoverable: z.boolean(),
    reason: z.string().optional(),
    subscription: z.array(verdictView).readonly(),
    disabledPolicies: z.array(z.string()).readonly().optional().meta({ description: 'policies (of either type) that target the source but are disabled on it; absent: none' }),
    columns: z.array(columnView).readonly(),
    rowFilter: z.object({ expression: z.string().nullable(), policyKeys: z.array(z.string()).readonly() }),
    query: z.string().optional().meta({ description: 'when granted: the enforcing `SELECT` in the dialect' }),
  })
  .meta({ id: 'Decision' });

/** The decisions of a batch, one per distinct source, in the order asked. */
export const batchView = z.object({ decisions: z.array(decisionView).readonly() });
