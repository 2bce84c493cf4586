import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditInput } from '#shared/audit/record.ts';
import { ConflictError } from './errors.ts';
import { nowIso, transact } from './transact.ts';
import { queryAll } from './pages.ts';
import { withoutKeys } from './item.ts';
import { policyKeys } from './key-formats.ts';
import { AuditedRepository } from './repository.ts';

export type RequestState = 'pending' | 'approved' | 'denied';

/** A user's request to query one data source, and what an owner or governor decided. */
export interface AccessRequest {
  readonly id: string;
  readonly iamid: string;
  readonly userid: string;
  readonly dataSource: string;
  readonly state: RequestState;
  readonly reason?: string;
  readonly createdAt: string;
  readonly decidedAt?: string;
  /** `iamid/userid` of the deciding user, `service:name` of a deciding service principal. */
  readonly decidedBy?: string;
  /** The decider's comment. */
  readonly decisionReason?: string;
  /** Approved requests only: when the access ends (absent: never). */
  readonly expiresAt?: string;
}

const toRequest = (item: Record<string, unknown>): AccessRequest => withoutKeys<AccessRequest>(item);

/** Access requests: by id, of a user (decisions), of a source (owners). */
export class AccessRequestRepository extends AuditedRepository {
  protected readonly tableName = 'policies';

  private item(r: AccessRequest): Record<string, unknown> {
    return {
      pk: policyKeys.request(r.id),
      sk: policyKeys.requestMeta,
      gsi1pk: policyKeys.requestsOfUser(r.iamid, r.userid),
      gsi1sk: `${r.dataSource}#${r.createdAt}`,
      gsi2pk: policyKeys.requestsOfSource(r.dataSource),
      gsi2sk: r.createdAt,
      ...r,
    };
  }

  private pendingKey(r: AccessRequest): { pk: string; sk: string } {
    return { pk: policyKeys.pendingRequests, sk: policyKeys.pendingRequest(r.createdAt, r.id) };
  }

  /** Files a pending request with its pending marker, audited in the same transaction. */
  async create(input: Pick<AccessRequest, 'iamid' | 'userid' | 'dataSource' | 'reason'>, audit: (id: string) => AuditInput): Promise<AccessRequest> {
    const request: AccessRequest = { id: randomUUID(), ...input, state: 'pending', createdAt: nowIso() };
    await transact(this.db, [
      { Put: { TableName: this.table, Item: this.item(request), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: this.table, Item: { ...this.pendingKey(request), ...request } } },
      this.audit.put(audit(request.id)),
    ]);
    return request;
  }

  /** A request by id, or undefined. */
  async get(id: string): Promise<AccessRequest | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: { pk: policyKeys.request(id), sk: policyKeys.requestMeta }, ConsistentRead: true }));
    return res.Item ? toRequest(res.Item) : undefined;
  }

  /** Approves or denies a pending request, removing its pending marker; one already decided is a `ConflictError`. */
  async decide(
    current: AccessRequest,
    verdict: { readonly state: 'approved' | 'denied'; readonly decidedBy: string; readonly expiresAt?: string | undefined; readonly reason?: string | undefined },
    audit: AuditInput,
  ): Promise<AccessRequest> {
    const { state, decidedBy, expiresAt, reason } = verdict;
    const next: AccessRequest = { ...current, state, decidedBy, decidedAt: nowIso(), ...(expiresAt ? { expiresAt } : {}), ...(reason ? { decisionReason: reason } : {}) };
    await transact(
      this.db,
      [
        {
          Put: {
            TableName: this.table,
            Item: this.item(next),
            ConditionExpression: '#s = :pending',
            ExpressionAttributeNames: { '#s': 'state' },
            ExpressionAttributeValues: { ':pending': 'pending' },
          },
        },
        { Delete: { TableName: this.table, Key: this.pendingKey(current) } },
        this.audit.put(audit),
      ],
      () => new ConflictError(`access request \`${current.id}\` is no longer pending`),
    );
    return next;
  }

  /** Every request of a user (bounded: one per source asked at most a few times). */
  async ofUser(iamid: string, userid: string): Promise<AccessRequest[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': policyKeys.requestsOfUser(iamid, userid) },
    });
    return items.map(toRequest);
  }

  /** Every pending request, oldest first: what owners and GOVERNANCE have to decide (bounded by the requests awaiting a decision). */
  async pending(): Promise<AccessRequest[]> {
    const items = await queryAll(this.db, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': policyKeys.pendingRequests } });
    return items.map(toRequest);
  }

  /** Every request on a data source, oldest first (for its owners to decide). */
  async ofSource(dataSource: string): Promise<AccessRequest[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :pk',
      ExpressionAttributeValues: { ':pk': policyKeys.requestsOfSource(dataSource) },
    });
    return items.map(toRequest);
  }
}
