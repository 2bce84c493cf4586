import type { TestProject } from 'vitest/node';
import { startLocalDynamo } from '#local/dynamo.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Starts one DynamoDB Local for every integration test of the run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const existing = process.env.DYNAMODB_ENDPOINT;
  if (existing) {
    project.provide('dynamoEndpoint', existing);
    return async () => {};
  }
  const dynamo = await startLocalDynamo();
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}
