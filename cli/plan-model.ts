import * as z from 'zod';
import { WardenApiError, type WardenClient } from '#shared/client/index.ts';
import { simulationView } from '#shared/model/simulation.ts';
import { CliError } from './connection.ts';
import { fieldDiff, type FieldChange } from './diff.ts';
import { readObjects } from './files.ts';
import { objectId, readLive } from './live.ts';
import type { Kind, LocalObject } from './objects.ts';

const fieldChangeSchema = z.object({ path: z.string(), before: z.unknown().optional(), after: z.unknown().optional() });

const changeSchema = z.object({
  action: z.enum(['create', 'update', 'delete']),
  kind: z.enum(['policy', 'dataSource']),
  key: z.string(),
  file: z.string().optional(),
  line: z.int().optional(),
  liveVersion: z.int().nullable().meta({ description: 'the version the plan saw; null: the object did not exist' }),
  body: z.record(z.string(), z.unknown()).optional(),
  fields: z.array(fieldChangeSchema),
});

/** What `warden plan --out` saves and `warden apply` reads. */
export const planSchema = z.object({
  format: z.literal('warden-plan/1'),
  baseUrl: z.string(),
  createdAt: z.string(),
  changes: z.array(changeSchema),
  effect: simulationView.nullable(),
  unmanaged: z.int(),
});

/** A saved plan. */
export type Plan = z.infer<typeof planSchema>;
/** One write of a plan. */
export type PlannedChange = z.infer<typeof changeSchema>;

/** How to compare files with the live state. */
export interface PlanOptions {
  /** Delete live policies no file describes (and data sources, with `catalog`). */
  readonly prune: boolean;
  /** Compare, and with `prune` delete, data sources too (they are compared whenever a file describes one). */
  readonly catalog: boolean;
  /** Simulate only these users or sources (default: all of them). */
  readonly scope?: { readonly users?: ReadonlyArray<{ iamid: string; userid: string }>; readonly dataSources?: readonly string[] };
  /** The most simulated changes listed (default: the server's); the summary counts them all. */
  readonly limit?: number;
}

const ORDER: Record<Kind, number> = { dataSource: 0, policy: 1 };
const byObject = (a: PlannedChange, b: PlannedChange) => ORDER[a.kind] - ORDER[b.kind] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A local data source without `disabledPolicies` keeps the live ones, so they are not compared. */
function comparable(local: LocalObject, live: Record<string, unknown>): Record<string, unknown> {
  if (local.kind !== 'dataSource' || 'disabledPolicies' in local.body) return live;
  const { disabledPolicies: _kept, ...rest } = live;
  return rest;
}

/** Names the file of a document the API refused by its place in the simulation (`upsert[2]`). */
function located(error: WardenApiError, upserts: readonly PlannedChange[]): Error {
  const m = /^`upsert\[(\d+)\]`: (.*)$/s.exec(error.problem.detail);
  const change = m ? upserts[Number(m[1])] : undefined;
  return change ? new CliError(`${change.file}:${change.line}: ${m![2]}`) : error;
}

/** Simulates the whole change set at once: who gains and loses what, per data source. */
async function simulate(client: WardenClient, changes: readonly PlannedChange[], scope: PlanOptions['scope'] = {}, limit?: number): Promise<Plan['effect']> {
  if (!changes.length) return null;
  const writes = (kind: Kind) => changes.filter((c) => c.kind === kind && c.action !== 'delete');
  const deletes = (kind: Kind) => changes.filter((c) => c.kind === kind && c.action === 'delete').map((c) => c.key);
  const policies = writes('policy');
  try {
    const res = await client.request('simulate', {
      body: {
        upsert: policies.map((c) => c.body) as never,
        remove: deletes('policy'),
        upsertDataSources: writes('dataSource').map((c) => c.body) as never,
        removeDataSources: deletes('dataSource'),
        ...(scope.users ? { users: [...scope.users] } : {}),
        ...(scope.dataSources ? { dataSources: [...scope.dataSources] } : {}),
        ...(limit !== undefined ? { limit } : {}),
      },
    });
    return res.body;
  } catch (error) {
    throw error instanceof WardenApiError && error.status === 400 ? located(error, policies) : error;
  }
}

/** Compares the files with the live state by key, and simulates the difference. */
export async function computePlan(client: WardenClient, paths: readonly string[], options: PlanOptions): Promise<Plan> {
  const local = await readObjects(paths);
  const kinds = new Set<Kind>(['policy']);
  if (options.catalog || local.some((o) => o.kind === 'dataSource')) kinds.add('dataSource');
  const live = await readLive(client, kinds);
  const changes: PlannedChange[] = [];
  const described = new Set<string>();
  for (const o of local) {
    const id = objectId(o);
    described.add(id);
    const now = live.get(id);
    const where = { file: o.file, line: o.line };
    if (!now) {
      changes.push({ action: 'create', kind: o.kind, key: o.key, ...where, liveVersion: null, body: o.body, fields: [] });
      continue;
    }
    const fields: FieldChange[] = fieldDiff(comparable(o, now.body), o.body);
    if (fields.length) changes.push({ action: 'update', kind: o.kind, key: o.key, ...where, liveVersion: now.version, body: o.body, fields });
  }
  let unmanaged = 0;
  for (const [id, o] of live) {
    if (described.has(id)) continue;
    // Data sources are pruned only when the files manage the catalog: a repository of policies
    // that also registers a test clone must not delete every other source.
    if (o.kind === 'dataSource' && !options.catalog) continue;
    if (options.prune) changes.push({ action: 'delete', kind: o.kind, key: o.key, liveVersion: o.version, fields: [] });
    else unmanaged++;
  }
  changes.sort(byObject);
  return { format: 'warden-plan/1', baseUrl: client.baseUrl, createdAt: new Date().toISOString(), changes, effect: await simulate(client, changes, options.scope, options.limit), unmanaged };
}
