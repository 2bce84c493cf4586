import type { CdkCustomResourceEvent, Context } from 'aws-lambda';
import { createLogger } from '#shared/log/logger.ts';
import { createDb } from '#shared/store/client.ts';
import { tableEnvVar } from '#shared/store/tables.ts';
import { backfillResource, type BackfillResponse } from './backfill.ts';

// Only the catalog and identities tables: the function may touch nothing else.
const db = createDb({ tableNames: { catalog: process.env[tableEnvVar('catalog')], identities: process.env[tableEnvVar('identities')] } });
const log = createLogger({ service: 'warden-backfill', level: 'info' });
const run = backfillResource({ db, log });

/** Custom resource entry (CloudFormation provider framework, `onEvent` and `isComplete`). */
export async function handler(event: CdkCustomResourceEvent, context: Context): Promise<BackfillResponse> {
  log.addLambdaContext(context);
  return run(event, context);
}
