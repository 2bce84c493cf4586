import { WardenApiError, type WardenClient } from '#shared/client/index.ts';
import { CliError } from './connection.ts';
import { label } from './objects.ts';
import type { Plan, PlannedChange } from './plan-model.ts';

const tag = (version: number) => `W/"${version}"`;
const versionText = (v: number | null) => (v === null ? 'absent' : `version ${v}`);

/** The version of the object now; null when it does not exist. */
async function versionNow(client: WardenClient, c: PlannedChange): Promise<number | null> {
  try {
    const res = c.kind === 'policy' ? await client.request('getPolicy', { params: { policyKey: c.key } }) : await client.request('getDataSource', { params: { id: c.key } });
    return res.body.version;
  } catch (error) {
    if (error instanceof WardenApiError && error.status === 404) return null;
    throw error;
  }
}

const moved = (c: PlannedChange, now: number | null) =>
  new CliError(`refused: ${label(c)} moved since the plan (planned against ${versionText(c.liveVersion)}, now ${versionText(now)}): run \`warden plan\` again`);

/** One write, conditional on the version the plan saw (`If-None-Match: *` for a create); the new version, or null for a delete. */
async function write(client: WardenClient, c: PlannedChange): Promise<number | null> {
  const headers: Record<string, string> = c.liveVersion === null ? { 'if-none-match': '*' } : { 'if-match': tag(c.liveVersion) };
  if (c.action === 'delete') {
    if (c.kind === 'policy') await client.request('deletePolicy', { params: { policyKey: c.key }, headers });
    else await client.request('deleteDataSource', { params: { id: c.key }, headers });
    return null;
  }
  // The body was checked by its schema when the plan was made, and is checked again by the API.
  if (c.kind === 'policy') {
    const res = await client.request('putPolicy', { params: { policyKey: c.key }, body: c.body as never, headers });
    // Only a dry run answers a simulation; this is a write, whose answer is the stored policy.
    return 'version' in res.body ? res.body.version : null;
  }
  const { id: _id, ...source } = c.body ?? {};
  return (await client.request('putDataSource', { params: { id: c.key }, body: source as never, headers })).body.version;
}

/** Sources first (policies may target them), then policies, then deletions the other way round. */
const STEP = (c: PlannedChange) => (c.action === 'delete' ? (c.kind === 'policy' ? 2 : 3) : c.kind === 'dataSource' ? 0 : 1);

/**
 * Applies exactly what was planned. Every object's version is checked first, so a concurrent
 * change refuses the whole plan before anything is written; each write is then conditional on
 * the planned version too, so a change in between refuses the rest. Returns one line per write.
 */
export async function applyPlan(client: WardenClient, plan: Plan, report: (line: string) => void): Promise<void> {
  if (plan.baseUrl !== client.baseUrl) throw new CliError(`the plan was made against \`${plan.baseUrl}\`, not \`${client.baseUrl}\``);
  const changes = [...plan.changes].sort((a, b) => STEP(a) - STEP(b));
  for (const c of changes) {
    const now = await versionNow(client, c);
    if (now !== c.liveVersion) throw moved(c, now);
  }
  for (const c of changes) {
    let version: number | null;
    try {
      version = await write(client, c);
    } catch (error) {
      if (error instanceof WardenApiError && (error.status === 412 || error.status === 409)) throw moved(c, await versionNow(client, c));
      throw error;
    }
    const sign = { create: '+', update: '~', delete: '-' }[c.action];
    report(`${sign} ${label(c)}${version === null ? ' deleted' : ` at version ${version}`}${c.kind === 'policy' && c.body?.staged === true ? ' (staged)' : ''}`);
  }
}
