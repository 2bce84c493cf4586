import { randomUUID } from 'node:crypto';
import { NotFoundError } from '#shared/store/errors.ts';
import { NoExternalSourceError } from './errors.ts';
import { refreshExternal, type RefreshOutcome, type RefreshServices } from './refresh.ts';

/** Users asked at once during a sync: bounded so a slow source is not flooded. */
const CONCURRENCY = 8;

/** Counts of one IAM's sync. */
export interface SyncResult {
  readonly iamid: string;
  readonly users: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly failed: number;
}

/** Asks the IAM's external source about every user of the IAM now, ignoring the cache. */
export async function syncIam(services: RefreshServices, iamid: string): Promise<SyncResult> {
  const iam = await services.iams.get(iamid);
  if (!iam) throw new NotFoundError(`iam \`${iamid}\` not found`);
  const source = iam.externalSource;
  if (!source) throw new NoExternalSourceError(iamid);
  const counts: Record<RefreshOutcome, number> = { 'no-source': 0, 'unknown-user': 0, cached: 0, unchanged: 0, updated: 0, failed: 0 };
  let users = 0;
  let cursor: string | null = null;
  do {
    const page = await services.users.list(iamid, { limit: 100, cursor });
    cursor = page.cursor;
    for (let i = 0; i < page.users.length; i += CONCURRENCY) {
      const batch = page.users.slice(i, i + CONCURRENCY);
      const outcomes = await Promise.all(batch.map((u) => refreshExternal(services, iamid, u.userid, { force: true, source })));
      for (const o of outcomes) counts[o]++;
      users += batch.length;
    }
  } while (cursor);
  return { iamid, users, updated: counts.updated, unchanged: counts.unchanged + counts.cached, failed: counts.failed };
}

/** Syncs every IAM that has an external source (the scheduled entry). */
export async function syncAll(services: RefreshServices): Promise<SyncResult[]> {
  const iams = (await services.iams.list()).filter((iam) => iam.externalSource);
  const results: SyncResult[] = [];
  for (const iam of iams) results.push(await syncIam(services, iam.id));
  return results;
}

/**
 * Runs `syncAll` every `intervalMs` (the local runtime's stand-in for the EventBridge rule);
 * a run still going when the next is due is not overlapped. Returns a stop function.
 */
export function startExternalSync(services: RefreshServices, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // Every line of the run, down to each user's refresh, names the job.
    const log = services.log.child({ job: 'external-sync', jobId: randomUUID() });
    syncAll({ ...services, log })
      .then((results) => {
        if (results.length) log.info('external sync', { results });
      })
      .catch((err: unknown) => log.error('external sync failed', { error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
