import { randomUUID } from 'node:crypto';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { createScimApp } from '#functions/scim/app.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { readConfig } from '#shared/config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createServices, type DecidingServices } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { ensureTables } from '#shared/store/create-tables.ts';
import { ADMIN_KEY, bearer } from '../../support/services.ts';

/** Services whose DynamoDB answers every request, after the SDK's own retries, with a throttling error. */
async function throttledServices(): Promise<DecidingServices> {
  const db = createDb({ endpoint: inject('dynamoEndpoint'), region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix: `t${randomUUID().slice(0, 8)}_` });
  await ensureTables(db);
  // In place of the network: what DynamoDB answers a table over its provisioned throughput.
  db.doc.middlewareStack.add(
    () => async () => {
      throw new ProvisionedThroughputExceededException({ message: 'The level of configured provisioned throughput for the table was exceeded', $metadata: { httpStatusCode: 400 } });
    },
    { step: 'finalizeRequest', name: 'throttleEverything' },
  );
  const hash = sha256Hex(ADMIN_KEY);
  return createServices(db, readConfig({ LOG_LEVEL: 'silent' }), { bootstrapKeyHash: async () => hash, decisions: decisionService });
}

let s: DecidingServices;
beforeAll(async () => {
  s = await throttledServices();
});

describe('a throttled store', () => {
  it('answers 503 problem+json with Retry-After, never a raw 500', async () => {
    const res = await createPolicyApp(s).request('/v1/data-sources', { headers: bearer(ADMIN_KEY) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 503, title: 'Service Unavailable', detail: 'dynamodb is unavailable: ProvisionedThroughputExceededException' });
  });

  it('answers a SCIM client with a SCIM 503 error and Retry-After', async () => {
    const res = await createScimApp(s).request('/scim/v2/Users', { headers: bearer('scim_any-token') });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(await res.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '503' });
  });
});
