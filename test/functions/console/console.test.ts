import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createConsoleApp } from '#functions/console/app.tsx';
import { lineOfProblem, parsePolicyYaml } from '#functions/console/pages/policy-yaml.ts';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import { ADMIN_KEY, bearer, json, localServices } from '../../support/services.ts';
import { keyFor } from '../../support/policy.ts';

let server: ReturnType<typeof createLocalServer>;
let samCookie: string;
let adminCookie: string;
const ORIGIN = 'http://127.0.0.1:9';

/** Signs in through the console's own form and returns the cookie it set. */
async function signIn(key: string): Promise<string> {
  const res = await server.request(`${ORIGIN}/console/sign-in`, { method: 'POST', headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' }, body: `apiKey=${encodeURIComponent(key)}` });
  expect(res.status).toBe(303);
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

const page = (path: string, cookie?: string) => server.request(`${ORIGIN}${path}`, { headers: cookie ? { cookie } : {} });

beforeAll(async () => {
  const { services } = await localServices(true);
  // The console asks the API at the request's origin; here that is this in-process server.
  const console = createConsoleApp({ fetch: (input, init) => Promise.resolve(server.fetch(new Request(input, init))) });
  server = createLocalServer(createFunctionApps(services), 'test', console);
  const hostile = { name: '<img src=x onerror=alert(1)>', platform: 'postgres', database: 'd', schema: 's', table: 't', owners: [], tags: ['Internal'], columns: [{ name: '"><script>x</script>', type: 'int', tags: [] }] };
  expect((await server.request('/v1/data-sources/hostile', json('PUT', hostile, bearer(ADMIN_KEY)))).status).toBe(201);
  samCookie = await signIn(await keyFor(services, { type: 'user', iamid: 'okta', id: 'smwilliams@example.com' }));
  adminCookie = await signIn(ADMIN_KEY);
});

describe('the console', () => {
  it.each(['/console/data', '/console/requests', '/console/why', '/console/policies', '/console/people', '/console/audit'])('sends %s without a session to the sign-in page', async (path) => {
    const res = await page(path);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/console/sign-in');
  });

  it('answers every page with a strict CSP and no script', async () => {
    const res = await page('/console/data', samCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|<[^>]*\son\w+=/i);
  });

  it('escapes every value the API gives it', async () => {
    const html = await (await page('/console/data?search=hostile', samCookie)).text();
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<img src=x');
  });

  it('hides what the user may not do, and the API refuses it anyway', async () => {
    const data = await (await page('/console/data', samCookie)).text();
    expect(data).not.toContain('href="/console/policies"');
    const policies = await page('/console/policies', samCookie);
    expect(policies.status).toBe(403);
    expect(await policies.text()).toContain('requires permission `GOVERNANCE`');
    expect(await (await page('/console/data', adminCookie)).text()).toContain('href="/console/policies"');
  });

  it('answers malformed page input with a 4xx page, never a 5xx', async () => {
    const paths = fc.tuple(fc.constantFrom('/console/data', '/console/why', '/console/audit', '/console/people', '/console/policies'), fc.constantFrom('user', 'source', 'cursor', 'tag', 'from', 'iam', 'access'), fc.string({ maxLength: 300 }));
    await fc.assert(
      fc.asyncProperty(paths, async ([path, name, value]) => {
        const res = await page(`${path}?${name}=${encodeURIComponent(value)}`, adminCookie);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 80 },
    );
  });
});

describe('the policy editor', () => {
  const yaml = 'policyKey: p\ntype: subscription\nactions:\n  type: bogus\nrules:\n  - type: masking\n    fields: []\n';

  it("points an API message at the line of the field it names, in a simulation's words too", () => {
    expect(lineOfProblem(yaml, 'invalid policy `p`: `actions.type`: invalid option')).toBe(4);
    expect(lineOfProblem(yaml, '`upsert[0]`: invalid policy `p`: `rules[0].fields`: too small')).toBe(7);
    expect(lineOfProblem(yaml, '`nowhere.at.all`: missing')).toBeUndefined();
  });

  it('names the line of a YAML syntax error, and refuses a document that is not a mapping', () => {
    expect(parsePolicyYaml('a: 1\nb: [2\n')).toMatchObject({ ok: false, line: expect.any(Number) });
    expect(parsePolicyYaml('- a\n- b\n')).toEqual({ ok: false, problem: 'the policy must be a YAML mapping', line: 1 });
    expect(parsePolicyYaml(yaml)).toMatchObject({ ok: true, doc: { policyKey: 'p' } });
  });
});
