import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { sha256Hex } from '#shared/auth/secrets.ts';
import { readConfig } from '#shared/config.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '#local/dynamo.ts';
import { prepareServices } from '#local/bootstrap.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createServices, type DecidingServices, type Services } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { ensureTables } from '#shared/store/create-tables.ts';

/** The bootstrap admin key of test services. */
export const ADMIN_KEY = 'wdn_test-admin-key';

/**
 * Services over fresh tables (a unique prefix) on the run's DynamoDB Local: every test file
 * gets its own data.
 */
export async function testServices(): Promise<DecidingServices> {
  const db = createDb({
    endpoint: inject('dynamoEndpoint'),
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    tablePrefix: `t${randomUUID().slice(0, 8)}_`,
  });
  await ensureTables(db);
  const hash = sha256Hex(ADMIN_KEY);
  return createServices(db, readConfig({ ...process.env, LOG_LEVEL: 'silent' }), { bootstrapKeyHash: async () => hash, decisions: decisionService });
}

/** Services as `npm start` prepares them (okta IAM with a SCIM token; seed optional). */
export async function localServices(seed = false): Promise<{ services: DecidingServices; adminKey: string; scimToken: string }> {
  return prepareServices({
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `t${randomUUID().slice(0, 8)}_`,
    adminKey: ADMIN_KEY,
    seed,
    logLevel: 'silent',
  });
}

/** Authorization header for a bearer credential. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/** JSON request init. */
export function json(method: string, body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Every audit record written so far (tests only: a scan). */
export async function auditRecords(services: Services): Promise<Array<Record<string, unknown>>> {
  const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
  const res = await services.db.doc.send(new ScanCommand({ TableName: services.db.tables.audit }));
  return (res.Items ?? []).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
}
