import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { syncAll, type SyncResult } from '#shared/userinfo/sync.ts';

const services = servicesFromEnv();

/** Scheduled entry (EventBridge, every 5 minutes): syncs every IAM that has an external source. */
export async function handler(_event: unknown, context?: Context): Promise<{ results: SyncResult[] }> {
  if (context) services.log.addLambdaContext(context);
  // Every line of the run, down to each user's refresh, names the job.
  const log = services.log.child({ job: 'external-sync', jobId: randomUUID() });
  try {
    const results = await syncAll({ ...services, log });
    log.info('external sync', { results });
    return { results };
  } finally {
    services.metrics.flush();
  }
}
