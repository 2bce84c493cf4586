import { randomUUID } from 'node:crypto';
import type { Services } from '#shared/services.ts';
import { purgeDeletedGroups, type PurgeResult } from '#shared/store/group-deletion.ts';

/**
 * One sweep of the memberships SCIM (or the API) left behind when it deleted groups: what the
 * scheduled function runs in AWS and the local runtime runs on a timer. Logged when it did
 * anything; a failure is logged and made good by the next sweep.
 */
export async function sweepDeletedGroups(services: Pick<Services, 'db' | 'log'>, deadline: number): Promise<PurgeResult> {
  const log = services.log.child({ job: 'group-purge', jobId: randomUUID() });
  try {
    const result = await purgeDeletedGroups(services.db, { deadline });
    if (result.purged || result.pending) log.info('deleted groups purged', { ...result });
    return result;
  } catch (err) {
    log.error('group purge failed', { error: err instanceof Error ? err.message : String(err) });
    throw err;
  }
}

/** Runs a sweep every `intervalMs`, never two at once; returns what stops it. */
export function startGroupPurge(services: Pick<Services, 'db' | 'log'>, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepDeletedGroups(services, Date.now() + intervalMs)
      // The sweep logged the failure; the next one starts over.
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
