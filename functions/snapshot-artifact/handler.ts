import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { servicesFromEnv } from '#shared/aws/services.ts';
import { buildArtifact, type ArtifactBuild } from '#shared/decision-service/snapshot-artifact-build.ts';
import { snapshotLoader } from '#shared/decision-service/snapshot-loader.ts';

const services = servicesFromEnv();

/**
 * Stream entry (the policies table's change records, batched): brings the snapshot artifact up
 * to the current version. The records themselves are not read: the build reads every change
 * since the manifest's version, so a batch that failed is made good by the next one.
 */
export async function handler(_event: unknown, context?: Context): Promise<ArtifactBuild> {
  if (context) services.log.addLambdaContext(context);
  const log = services.log.child({ job: 'snapshot-artifact', jobId: randomUUID() });
  try {
    return await buildArtifact({ loader: snapshotLoader({ ...services, log }), artifacts: services.snapshotArtifacts, log });
  } finally {
    services.metrics.flush();
  }
}
