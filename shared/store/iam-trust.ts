import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './client.ts';
import { policyKeys } from './key-formats.ts';
import type { TransactItem } from './transact.ts';

/*
 * Which IAMs an admin marked as trusted, or not, for policy matching: one item of the policies
 * table, in the partition of the snapshot version (`policyKeys.iamTrust`). An IAM change writes
 * it with the version bump in one transaction, and the snapshot reads it with the catalog and
 * the policies, never the identities table.
 */

/** The marks as stored: IAMs marked trusted, IAMs marked not trusted. */
export interface IamTrustMarks {
  readonly trusted: ReadonlySet<string>;
  readonly untrusted: ReadonlySet<string>;
}

/** The marks, read strongly consistent (none before any mark). */
export async function readIamTrust(db: Db): Promise<IamTrustMarks> {
  const res = await db.doc.send(new GetCommand({ TableName: db.tables.policies, Key: policyKeys.iamTrust, ConsistentRead: true }));
  const set = (v: unknown): ReadonlySet<string> => (v instanceof Set ? (v as Set<string>) : new Set());
  return { trusted: set(res.Item?.trusted), untrusted: set(res.Item?.untrusted) };
}

/** The transaction item marking one IAM trusted or not (the item is created on first use). */
export function markIamTrust(db: Db, iamid: string, trusted: boolean): TransactItem {
  return {
    Update: {
      TableName: db.tables.policies,
      Key: policyKeys.iamTrust,
      UpdateExpression: 'ADD #add :iam DELETE #remove :iam',
      ExpressionAttributeNames: { '#add': trusted ? 'trusted' : 'untrusted', '#remove': trusted ? 'untrusted' : 'trusted' },
      ExpressionAttributeValues: { ':iam': new Set([iamid]) },
    },
  };
}

/** Whether an IAM is trusted: marked so, or the default IAM unless marked not to be. */
export function isTrustedIam(marks: IamTrustMarks, iamid: string, defaultIam: string): boolean {
  return marks.trusted.has(iamid) || (iamid === defaultIam && !marks.untrusted.has(iamid));
}

/** Every IAM trusted for policy matching. */
export function trustedIams(marks: IamTrustMarks, defaultIam: string): string[] {
  return [...new Set([...marks.trusted, defaultIam])].filter((iamid) => isTrustedIam(marks, iamid, defaultIam)).sort();
}

/** The IAM trust marks of the policies table, as the decision snapshot and the IAM admin read them. */
export class IamTrustRepository {
  constructor(private readonly db: Db) {}

  /** The marks, read strongly consistent. */
  read(): Promise<IamTrustMarks> {
    return readIamTrust(this.db);
  }
}
