import type { DataSource, DataSourceInput } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import type { StoredPolicy } from '#shared/model/policy.ts';
import type { Services } from '#shared/services.ts';
import { batchWrite, type WriteRequest } from '#shared/store/batch.ts';
import { catalogKeys } from '#shared/store/key-formats.ts';

/** The audit record of every write the benchmark makes. */
export const BENCH_AUDIT = { actor: { type: 'service', id: 'bench' }, action: 'CREATE', actionStatus: 'SUCCESS', targetType: 'bench', targets: [], payload: {} } as const;

/** BatchWriteItem takes 25 items; this many batches are in flight at once. */
const BATCH = 25;
const CONCURRENCY = 8;

/** What a source write takes: the stored source without what the store adds. */
export function inputOf(source: DataSource): DataSourceInput {
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, owners, disabledPolicies, ...fields } = source;
  return { ...fields, owners: [...owners], ...(disabledPolicies ? { disabledPolicies: [...disabledPolicies] } : {}) };
}

/**
 * Writes sources as the catalog stores them, 25 an item batch, `CONCURRENCY` batches at once:
 * one transaction each (as `putSource` does) would take an hour at 100,000. The last source goes
 * through the repository, so the snapshot version moves as for any catalog change.
 */
export async function seedSources(services: Services, sources: readonly DataSource[]): Promise<void> {
  const { db, catalog } = services;
  const raw = sources.slice(0, -1);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < raw.length) {
        const batch = raw.slice(next, (next += BATCH));
        const requests: WriteRequest[] = batch.map((s) => ({ PutRequest: { Item: { pk: catalogKeys.source(s.id), sk: catalogKeys.meta, ...s } } }));
        const left = await batchWrite(db, db.tables.catalog, requests);
        if (left.length) throw new Error(`dynamodb left ${left.length} sources unwritten`);
      }
    }),
  );
  const last = sources.at(-1);
  if (last) await catalog.putSource(last.id, inputOf(last), undefined, BENCH_AUDIT);
}

/** Replaces the tags of a stored source through the repository, as the API does. */
export async function retag(services: Services, id: string, tags: string[]): Promise<void> {
  const current = await services.catalog.getSource(id);
  if (!current) throw new Error(`no source \`${id}\` to retag`);
  await services.catalog.putSource(id, { ...inputOf(current), tags }, current, BENCH_AUDIT);
}

/** Stores the policies one at a time: each bumps the one snapshot version item. */
export async function seedPolicies(services: Services, policies: readonly StoredPolicy[]): Promise<void> {
  for (const p of policies) await services.policies.put(p.document, () => BENCH_AUDIT);
}

/** Creates the user decisions are asked for, with its groups and attributes. */
export async function seedUser(services: Services, subject: Subject): Promise<void> {
  const { users, groups } = services;
  const attributes = Object.fromEntries([...subject.attributes].map(([k, v]) => [k, [...v]]));
  await users.create({ iamid: subject.iamid, userid: subject.userid, displayName: subject.userid, active: true }, undefined, { source: 'manual', values: attributes });
  for (const name of subject.groups) {
    const group = await groups.getOrCreateByName(subject.iamid, name);
    await groups.addMembers(subject.iamid, group.id, [subject.userid], 'manual');
  }
}
