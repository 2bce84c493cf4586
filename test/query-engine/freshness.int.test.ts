import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { col } from '#shared/demo/catalog.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import { QUERY_DEMO_POLICIES, QUERY_DEMO_SOURCES } from '#query-engine/backend/demo-catalog.ts';
import { pause } from '../support/policy.ts';
import { ADMIN_KEY, bearer, json } from '../support/services.ts';
import { engineFixture, pgClient, type EngineFixture } from './support.ts';

let f: EngineFixture;
let api: ReturnType<typeof createPolicyApp>;
/** The engine's snapshot refresh bound: a change acknowledged longer ago than this is in every query. */
let bound: number;
const admin = bearer(ADMIN_KEY);

beforeAll(async () => {
  f = await engineFixture();
  // The API is another instance, as the policy function is: the engine learns of a change only by its own refresh.
  api = createPolicyApp(f.services, new DecisionService(f.services));
  bound = f.services.config.snapshotRefreshMs;
});
afterAll(() => f?.close());

/** smwilliams (not HR) through bi-tool, on one connection kept open for the whole test. */
async function openAsSam(): Promise<pg.Client> {
  const c = await pgClient(f.engine, 'bi-tool', f.biKey);
  await c.query("CALL warden.impersonate_user('smwilliams@example.com')");
  return c;
}

/** Customer 1's email and address, by the simple protocol and by a named prepared statement (planned again at each Bind). */
async function customerOne(c: pg.Client): Promise<Array<Record<string, string>>> {
  const simple = await c.query('SELECT email, address FROM crm.customers WHERE id = 1');
  const prepared = await c.query({ name: 'customer', text: 'SELECT email, address FROM crm.customers WHERE id = $1', values: [1] });
  return [...simple.rows, ...prepared.rows] as Array<Record<string, string>>;
}

describe('a change reaches an open connection within the snapshot refresh bound', () => {
  it('a policy change: the next query after the bound, on the same connection, has the new mask', async () => {
    const c = await openAsSam();
    try {
      const before = await customerOne(c);
      expect(before.map((r) => r.email)).toEqual(['REDACTED', 'REDACTED']);
      const policy = QUERY_DEMO_POLICIES[0] as { rules: Array<Record<string, unknown>> };
      const changed = { ...policy, rules: [{ ...policy.rules[0], masking: { type: 'constant', value: 'HIDDEN' } }] };
      const res = await api.request('/v1/policies/mask-email', json('PUT', changed, admin));
      expect(res.status).toBe(200);
      await pause(bound + 100);
      const after = await customerOne(c);
      expect(after.map((r) => r.email)).toEqual(['HIDDEN', 'HIDDEN']);
      expect(after.map((r) => r.address)).toEqual(before.map((r) => r.address));
    } finally {
      await c.end();
    }
  });

  it('a tag change on a column: the mask follows the tag to another column on the same connection', async () => {
    const c = await openAsSam();
    try {
      const before = await customerOne(c);
      const mask = before[0]!.email!;
      expect(before.map((r) => r.address)).not.toContain(mask);
      const customers = QUERY_DEMO_SOURCES.customers!;
      const retagged = { ...customers, columns: customers.columns!.map((column) => (column.name === 'email' ? col('email', 'varchar') : column.name === 'address' ? col('address', 'varchar', ['Discovered.Email']) : column)) };
      const res = await api.request('/v1/data-sources/customers', json('PUT', retagged, admin));
      expect(res.status).toBe(200);
      await pause(bound + 100);
      const after = await customerOne(c);
      expect(after.map((r) => r.address)).toEqual([mask, mask]);
      expect(after.map((r) => r.email)).toEqual(['contact@acmecorp.example', 'contact@acmecorp.example']);
    } finally {
      await c.end();
    }
  });
});
