import { beforeAll, describe, expect, it } from 'vitest';
import { createPolicyApp } from '#functions/policy/app.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import type { Decision } from '#shared/model/decision.ts';
import type { DecidingServices } from '#shared/services.ts';
import { ADMIN_KEY, bearer, json, testServices } from '../../support/services.ts';
import { pause } from '../../support/policy.ts';

let s: DecidingServices;
let app: ReturnType<typeof createPolicyApp>;
const admin = bearer(ADMIN_KEY);
const TTL = 30;

const source = (tags: string[], column: string) => ({ name: 'S', platform: 'postgres', database: 'd', schema: 's', table: 't', tags, columns: [{ name: column, type: 'varchar' }] });

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

beforeAll(async () => {
  s = await testServices();
  app = createPolicyApp(s, new DecisionService(s, { refreshMs: TTL, userCacheMs: TTL }));
  await s.users.create({ iamid: 'bim', userid: 'ann', displayName: 'Ann' });
  await app.request('/v1/data-sources/plain', json('PUT', source(['Open'], 'id'), admin));
  await app.request('/v1/policies/open', json('PUT', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Open' }], actions: { type: 'anyone' } }, admin));
});

describe('a regular expression written to stall the process (issue reproduction)', () => {
  it('is stored, and an unrelated decision stays fast next to a column it nearly matches', async () => {
    // 30 `a` then `!`: a backtracking engine tries every split of the run of `a` (2^30).
    expect((await app.request('/v1/data-sources/evil', json('PUT', source(['Other'], `${'a'.repeat(30)}!`), admin))).status).toBe(201);
    const stored = await timed(async () =>
      app.request('/v1/policies/by-name', json('PUT', { type: 'data', circumstances: [{ type: 'columnRegex', regex: '^(a+)+$' }], rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['id'] }], masking: { type: 'null' } }] }, admin)),
    );
    expect(stored.value.status).toBe(201);
    expect(stored.ms).toBeLessThan(500);
    await pause(TTL * 2);
    const decided = await timed(async () => (await app.request('/v1/decisions', json('POST', { user: { userid: 'ann' }, dataSource: 'plain' }, admin))).json() as Promise<Decision>);
    expect(decided.value.access).toBe('granted');
    expect(decided.value.columns).toEqual([{ name: 'id', action: 'clear', expression: '"id"' }]);
    expect(decided.ms).toBeLessThan(500);
  });

  it('refuses at PUT, naming the construct, what only a backtracking engine can run', async () => {
    for (const [regex, construct] of [['^(a+)\\1$', 'invalid escape sequence `\\1`'], ['^(?=a)a+$', 'invalid or unsupported Perl syntax `(?=`']] as const) {
      const res = await app.request('/v1/policies/backref', json('PUT', { type: 'subscription', circumstances: [{ type: 'columnRegex', regex }], actions: { type: 'anyone' } }, admin));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { detail: string }).detail).toContain(`\`circumstances[0].regex\`: invalid regular expression \`${regex}\`: ${construct}`);
    }
    const mask = await app.request('/v1/policies/backref', json('PUT', { type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnNames', names: ['id'] }], masking: { type: 'regex', pattern: '(.)\\1', replacement: '' } }] }, admin));
    expect(mask.status).toBe(400);
    expect(((await mask.json()) as { detail: string }).detail).toContain('`rules[0].masking.pattern`: invalid regular expression `(.)\\1`: invalid escape sequence `\\1`');
    expect((await app.request('/v1/policies/backref', { headers: admin })).status).toBe(404);
  });
});
