import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { identityKeys } from './key-formats.ts';

/** When a user's external source of truth was last asked, and how it answered. */
export interface ExternalState {
  /** Epoch milliseconds of the last attempt, successful or not. */
  readonly checkedAt: number;
  /** Epoch milliseconds of the last answer stored as the user's `external` values. */
  readonly succeededAt?: number;
  /** Why the last attempt failed; absent when it succeeded. */
  readonly lastError?: string;
}

/** The external-source bookkeeping item of a user (one per user, in its partition). */
export class ExternalStateRepository {
  constructor(private readonly db: Db) {}

  /** The state of `(iamid, userid)`, or undefined when never asked. */
  async get(iamid: string, userid: string): Promise<ExternalState | undefined> {
    const res = await this.db.doc.send(
      new GetCommand({ TableName: this.db.tables.identities, Key: { pk: identityKeys.user(iamid, userid), sk: identityKeys.externalState } }),
    );
    if (!res.Item) return undefined;
    const { checkedAt, succeededAt, lastError } = res.Item as Record<string, unknown>;
    return {
      checkedAt: Number(checkedAt),
      ...(typeof succeededAt === 'number' ? { succeededAt } : {}),
      ...(typeof lastError === 'string' ? { lastError } : {}),
    };
  }

  /** Records an attempt; last writer wins (the state is a cache hint, not a fact). */
  async put(iamid: string, userid: string, state: ExternalState): Promise<void> {
    await this.db.doc.send(
      new PutCommand({ TableName: this.db.tables.identities, Item: { pk: identityKeys.user(iamid, userid), sk: identityKeys.externalState, ...state } }),
    );
  }
}
