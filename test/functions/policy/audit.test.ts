import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditRoutes } from '#functions/policy/audit.ts';
import { completeRecord, type AuditRecord } from '#shared/audit/record.ts';
import { createBaseApp } from '#shared/http/app.ts';
import { authenticate } from '#shared/http/auth.ts';
import { sha256Hex } from '#shared/auth/secrets.ts';
import type { Services } from '#shared/services.ts';
import { ADMIN_KEY, bearer, testServices } from '../../support/services.ts';

let s: Services;
let app: ReturnType<typeof createBaseApp>;
const HOUR = 3_600_000;
const now = Date.now();
/** 30 records, one every 5 hours going back ~6 days: users u0..u2, actions A/B. */
const written: AuditRecord[] = [];

beforeAll(async () => {
  s = await testServices();
  app = createBaseApp('policy', s);
  app.use('/v1/*', authenticate(s));
  app.route('/v1/audit', auditRoutes(s));
  for (let i = 0; i < 30; i++) {
    const record = completeRecord(
      { actor: { type: 'user', id: `u${i % 3}`, iamid: 'bim' }, action: i % 2 ? 'A' : 'B', actionStatus: 'SUCCESS', targetType: 't', targets: [`x${i}`], payload: { i } },
      new Date(now - 1000 - i * 5 * HOUR),
    );
    written.push(record);
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.audit, Item: s.audit.item(record) }));
  }
});

interface Page {
  records: Array<Record<string, unknown>>;
  nextCursor: string | null;
}

async function page(query: string, headers = bearer(ADMIN_KEY)): Promise<Page> {
  const res = await app.request(`/v1/audit${query}`, { headers });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Page;
}

/** Follows cursors to the end, counting pages. */
async function all(query: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '?';
    const p = await page(`${query}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    ids.push(...p.records.map((r) => String(r.id)));
    cursor = p.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

const newestFirst = (pred: (r: AuditRecord, i: number) => boolean) => written.filter(pred).map((r) => r.id);

describe('GET /v1/audit', () => {
  it('requires AUDIT', async () => {
    for (const [key, permissions, status] of [['wdn_no-audit', ['USER_ADMIN'], 403], ['wdn_auditor', ['AUDIT'], 200]] as const) {
      await s.apiKeys.create({ hash: sha256Hex(key), name: key, principal: { type: 'service', id: key }, permissions: [...permissions], createdBy: 'test' });
      expect((await app.request('/v1/audit', { headers: bearer(key) })).status).toBe(status);
    }
  });

  it('walks day partitions newest first, over more than two pages without duplicates or gaps', async () => {
    const walked = await all('', 7);
    const mine = walked.ids.filter((id) => written.some((r) => r.id === id));
    expect(mine).toEqual(newestFirst(() => true));
    expect(new Set(walked.ids).size).toBe(walked.ids.length);
    expect(walked.pages).toBeGreaterThan(2);
  });

  it('filters by user, by action, and by both, paginated', async () => {
    expect((await all('?userid=u1', 3)).ids).toEqual(newestFirst((r) => r.userId === 'bim/u1'));
    expect((await all('?action=A', 4)).ids).toEqual(newestFirst((r) => r.action === 'A'));
    const both = await all('?userid=u0&action=B', 2);
    expect(both.ids).toEqual(newestFirst((r) => r.userId === 'bim/u0' && r.action === 'B'));
    expect(both.pages).toBeGreaterThan(2);
  });

  it('bounds by from and to, both inclusive', async () => {
    const from = written[20]!.eventTimestamp;
    const to = written[5]!.eventTimestamp;
    const { ids } = await all(`?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, 4);
    expect(ids).toEqual(written.slice(5, 21).map((r) => r.id));
    const byUser = await all(`?userid=u2&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, 100);
    expect(byUser.ids).toEqual(written.slice(5, 21).filter((r) => r.userId === 'bim/u2').map((r) => r.id));
  });

  it('answers records without storage attributes', async () => {
    const [record] = (await page('?userid=u0&limit=1')).records;
    expect(record).toEqual({ ...written[0], actor: written[0]!.actor });
    expect(Object.keys(record!)).not.toContain('gsi1pk');
    expect(Object.keys(record!)).not.toContain('expiresAt');
  });

  it('refuses forged cursors, cursors of another query and bad parameters with 400', async () => {
    const { nextCursor } = await page('?userid=u0&limit=1');
    const forged = [
      'not-base64!',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from(JSON.stringify({ pk: 'AUDIT#2020-01-01', sk: 'x' })).toString('base64url'),
      Buffer.from(JSON.stringify({ pk: 'USER#bim#u0', sk: 'PROFILE', gsi1pk: 'AUDITUSER#u0', gsi1sk: 'PROFILE' })).toString('base64url'),
    ];
    for (const cursor of forged) {
      expect((await app.request(`/v1/audit?cursor=${cursor}`, { headers: bearer(ADMIN_KEY) })).status, cursor).toBe(400);
    }
    expect((await app.request(`/v1/audit?action=A&cursor=${nextCursor}`, { headers: bearer(ADMIN_KEY) })).status).toBe(400);
    expect((await app.request(`/v1/audit?userid=u1&cursor=${nextCursor}`, { headers: bearer(ADMIN_KEY) })).status).toBe(400);
    for (const q of ['limit=0', 'limit=1001', 'from=yesterday', 'from=2030-01-01&to=2029-01-01', 'from=2000-01-01', 'colour=red']) {
      expect((await app.request(`/v1/audit?${q}`, { headers: bearer(ADMIN_KEY) })).status, q).toBe(400);
    }
  });
});
