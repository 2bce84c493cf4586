import type { WardenClient } from '#shared/client/index.ts';
import { everyDataSource } from './data-sources.ts';
import { canonical, type Kind, type WardenObject } from './objects.ts';

/** An object as it is live, with the version a conditional write must name. */
export interface LiveObject extends WardenObject {
  readonly version: number;
}

/** Every live policy and, when asked, every data source, by kind and key. */
export async function readLive(client: WardenClient, kinds: ReadonlySet<Kind>): Promise<Map<string, LiveObject>> {
  const out = new Map<string, LiveObject>();
  const add = (kind: Kind, value: Record<string, unknown> & { version: number }) => {
    const o = canonical(kind, value);
    out.set(objectId(o), { ...o, version: value.version });
  };
  const [policies, sources] = await Promise.all([
    kinds.has('policy') ? client.request('listPolicies') : undefined,
    kinds.has('dataSource') ? everyDataSource(client) : undefined,
  ]);
  for (const p of policies?.body.policies ?? []) add('policy', p);
  for (const s of sources ?? []) add('dataSource', { ...s, owners: [...s.owners] });
  return out;
}

/** The identity of an object across files, plans and the API. */
export const objectId = (o: Pick<WardenObject, 'kind' | 'key'>): string => `${o.kind}\u0000${o.key}`;
