import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineFixture, pgClient, type EngineFixture } from './support.ts';

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f?.close());

it('no row reaches the client unless its audit record was stored: a failed write ends the connection instead', async () => {
  const c = await pgClient(f.engine, 'bi-tool', f.biKey);
  c.on('error', () => undefined);
  await c.query("CALL warden.impersonate_user('bob')");
  expect((await c.query('SELECT count(*)::int AS n FROM crm.orders')).rows).toEqual([{ n: 24 }]);
  await f.services.db.doc.send(new DeleteTableCommand({ TableName: f.services.db.tables.audit }));
  const err = await c.query('SELECT id FROM crm.orders').catch((e: unknown) => e);
  expect(err).toMatchObject({ severity: 'FATAL', code: 'XX000' });
  expect((err as { rows?: unknown }).rows).toBeUndefined();
});
