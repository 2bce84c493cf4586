import type { Context } from 'aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import type { PurgeResult } from '#shared/store/group-deletion.ts';
import { sweepDeletedGroups } from './group-purge.ts';

const services = servicesFromEnv();

/** Time kept back from the function's timeout to finish the page in flight. */
const MARGIN_MS = 10_000;

/** Scheduled entry (EventBridge, every minute): removes the memberships of deleted groups until near its timeout. */
export async function handler(_event: unknown, context?: Context): Promise<PurgeResult> {
  if (context) services.log.addLambdaContext(context);
  try {
    return await sweepDeletedGroups(services, Date.now() + (context ? context.getRemainingTimeInMillis() - MARGIN_MS : 60_000));
  } finally {
    services.metrics.flush();
  }
}
