import { servicesFromEnv } from '#shared/aws/services.ts';
import { syncAll, type SyncResult } from '#shared/userinfo/sync.ts';

const services = servicesFromEnv();

/** Scheduled entry (EventBridge, every 5 minutes): syncs every IAM that has an external source. */
export async function handler(): Promise<{ results: SyncResult[] }> {
  return { results: await syncAll(services) };
}
