import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { Caller } from '#shared/auth/caller.ts';
import { createBaseApp } from '#shared/http/app.ts';
import { requires } from '#shared/http/guard.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { route } from '#shared/http/route.ts';
import type { Services } from '#shared/services.ts';
import { testServices } from '../../support/services.ts';

const item = z.object({ id: z.string(), name: z.string() });

const putThing = route('putThing', 'put', '/v1/things/{id}', {
  summary: 'a test route',
  guard: requires('GOVERNANCE'),
  params: z.object({ id: z.string().regex(/^[a-z]+$/, 'lowercase letters only') }),
  query: z.strictObject({ limit: z.coerce.number().int().max(10).optional() }),
  body: { schema: z.strictObject({ name: z.string().min(1) }) },
  responses: { 200: { description: 'the thing', schema: item } },
});

const readUser = route('readUser', 'post', '/v1/things/{iamid}/{userid}', {
  summary: 'a self-or test route',
  guard: requires('USER_ADMIN'),
  self: { subject: ({ params }) => params, who: 'the user itself', refusal: () => 'only the user or `USER_ADMIN`' },
  params: z.object({ iamid: z.string(), userid: z.string() }),
  body: { schema: z.strictObject({ note: z.string().optional() }), optional: true },
  responses: { 200: { description: 'the user', schema: z.object({ iamid: z.string(), userid: z.string(), note: z.string().nullable() }) } },
});

const decide = route('decide', 'post', '/v1/things/decide', {
  summary: 'a self rule on a user named in the body, perhaps without its IAM',
  guard: requires('QUERY_ENGINE'),
  self: { subject: ({ body }, { defaultIam }) => body.user && { iamid: body.user.iamid ?? defaultIam, userid: body.user.userid }, who: 'the user itself' },
  body: { schema: z.strictObject({ user: z.strictObject({ userid: z.string(), iamid: z.string().optional() }).optional() }) },
  responses: { 200: { description: 'whom it was about', schema: z.object({ about: z.string() }) } },
});

const drifting = route('drifting', 'get', '/v1/things/{id}', {
  summary: 'a route whose handler answers off its declaration',
  guard: requires('GOVERNANCE'),
  params: z.object({ id: z.string() }),
  responses: { 200: { description: 'the thing', schema: item } },
});

const encoded = route('encoded', 'get', '/v1/things/encoded/{how}', {
  summary: 'a route answering through `c.json` or a hand-made JSON body',
  guard: requires('GOVERNANCE'),
  params: z.object({ how: z.enum(['date', 'raw']) }),
  responses: { 200: { description: 'the thing', schema: item } },
});

const user = (permissions: Caller['permissions'] = new Set()): Caller => ({ principal: { type: 'user', iamid: 'okta', id: 'ann' }, permissions, via: 'api-key' });

let services: Services;
beforeAll(async () => {
  services = await testServices();
});

/** A base app serving the test routes as `caller`, in or outside AWS. */
function appFor(caller: Caller, checkReplies = true) {
  const app = createBaseApp('policy', { ...services, config: { ...services.config, checkReplies } });
  app.use((c, next) => {
    c.set('caller', caller);
    return next();
  });
  const group = new RouteGroup('/v1/things');
  group.serve(putThing, (c, { params, body }) => c.json({ id: params.id, name: body.name }, 200));
  group.serve(readUser, (c, { params, body }) => c.json({ ...params, note: body.note ?? null }, 200));
  group.serve(decide, (c, { body }) => c.json({ about: body.user?.userid ?? 'the caller' }, 200));
  // Off its schema on purpose: `name` missing, and a 201 it does not declare.
  group.serve(drifting, ((c: { json: (b: unknown, s: number) => Response }, { params }: { params: { id: string } }) =>
    c.json(params.id === 'created' ? { id: 'x', name: 'y' } : { id: params.id }, params.id === 'created' ? 201 : 200)) as never);
  // A Date is a string once it is JSON; a hand-made body bypasses `c.json` (and lacks `name`).
  group.serve(encoded, (c, { params }) =>
    params.how === 'date' ? c.json({ id: 'd', name: new Date(0) as unknown as string }, 200) : (c.body(JSON.stringify({ id: 'r' }), 200, { 'content-type': 'application/json' }) as never),
  );
  app.route(group.base, group);
  return app;
}

const put = (app: ReturnType<typeof appFor>, path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  app.request(path, { method: 'PUT', headers, body });
const detail = async (res: Response) => ((await res.json()) as { detail: string }).detail;

describe('a route group', () => {
  it('checks the declared permission before it reads anything: 403, not 400', async () => {
    const res = await put(appFor(user()), '/v1/things/BAD?limit=x', '{');
    expect(res.status).toBe(403);
    expect(await detail(res)).toBe('requires permission `GOVERNANCE`');
  });

  it('validates path, query and body with the declared schemas, in Warden’s words', async () => {
    const app = appFor(user(new Set(['GOVERNANCE'])));
    const ok = await put(app, '/v1/things/abc?limit=2&limit=99', JSON.stringify({ name: 'n' }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 'abc', name: 'n' });
    expect(await detail(await put(app, '/v1/things/A1', '{}'))).toBe('invalid path parameter `id`: lowercase letters only');
    expect(await detail(await put(app, '/v1/things/abc?limit=99', '{}'))).toMatch(/^invalid query: `limit`: /);
    expect(await detail(await put(app, '/v1/things/abc?other=1', '{}'))).toMatch(/^invalid query: Unrecognized key/);
    expect(await detail(await put(app, '/v1/things/abc', JSON.stringify({ name: '', x: 1 })))).toMatch(/^invalid body: /);
    expect(await detail(await put(app, '/v1/things/abc', '{"name":'))).toMatch(/^malformed JSON: /);
    expect(await detail(await put(app, '/v1/things/abc', ''))).toBe('request body is empty');
    // No content type is read as JSON, as every Warden endpoint always did.
    expect((await put(app, '/v1/things/abc', JSON.stringify({ name: 'n' }), {})).status).toBe(200);
    const yaml = await put(app, '/v1/things/abc', 'name: n', { 'content-type': 'application/yaml' });
    expect([yaml.status, await detail(yaml)]).toEqual([415, 'this endpoint takes `application/json`']);
    const big = await put(app, '/v1/things/abc', JSON.stringify({ name: 'x'.repeat(1024 * 1024) }));
    expect([big.status, await detail(big)]).toEqual([413, 'request body exceeds 1 MiB']);
  });

  it('never answers a 5xx to a malformed path, query or body', async () => {
    const app = appFor(user(new Set(['GOVERNANCE'])));
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (id, limit, body) => {
        const res = await put(app, `/v1/things/${encodeURIComponent(id) || 'a'}?limit=${encodeURIComponent(limit)}`, body);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });

  it('lets the subject itself through a self rule, and others only with a permission', async () => {
    const get = (caller: Caller, path: string) => appFor(caller).request(path, { method: 'POST' });
    expect(await (await get(user(), '/v1/things/okta/ann')).json()).toEqual({ iamid: 'okta', userid: 'ann', note: null });
    const other = await get(user(), '/v1/things/okta/bob');
    expect([other.status, await detail(other)]).toEqual([403, 'only the user or `USER_ADMIN`']);
    expect((await get(user(new Set(['USER_ADMIN'])), '/v1/things/okta/bob')).status).toBe(200);
    // The self rule judges validated input: a bad body is a 400 before the 403.
    const bad = await appFor(user()).request('/v1/things/okta/bob', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"note":5}' });
    expect(bad.status).toBe(400);
  });

  it('reads a user named without an IAM as one of the default IAM', async () => {
    const ask = (caller: Caller, user?: { userid: string; iamid?: string }) => appFor(caller).request('/v1/things/decide', { method: 'POST', body: JSON.stringify({ ...(user ? { user } : {}) }) });
    const bim = (permissions: Caller['permissions'] = new Set()): Caller => ({ principal: { type: 'user', iamid: services.config.defaultIam, id: 'ann' }, permissions, via: 'api-key' });
    expect((await ask(bim(), { userid: 'ann' })).status).toBe(200);
    expect((await ask(bim())).status).toBe(200);
    expect((await ask(user(), { userid: 'ann' })).status).toBe(403);
    expect((await ask(user(), { userid: 'ann', iamid: 'okta' })).status).toBe(200);
    expect((await ask(bim(new Set(['QUERY_ENGINE'])), { userid: 'bob' })).status).toBe(200);
  });

  it('fails a success answer its route does not declare, unless reply checks are off (as in AWS)', async () => {
    const caller = user(new Set(['GOVERNANCE']));
    const off = await appFor(caller).request('/v1/things/abc');
    expect(off.status).toBe(500);
    expect((await appFor(caller).request('/v1/things/created')).status).toBe(500);
    expect((await appFor(caller, false).request('/v1/things/abc')).status).toBe(200);
  });

  it('checks a reply as the JSON the client receives, whether or not it was made with `c.json`', async () => {
    const app = appFor(user(new Set(['GOVERNANCE'])));
    const date = await app.request('/v1/things/encoded/date');
    expect([date.status, await date.json()]).toEqual([200, { id: 'd', name: '1970-01-01T00:00:00.000Z' }]);
    const raw = await app.request('/v1/things/encoded/raw');
    expect(raw.status).toBe(500);
  });

  it('answers every request with its own request id: a success, a checked reply, a refusal, an unknown path', async () => {
    const app = appFor(user(new Set(['GOVERNANCE'])));
    const answers = [
      await put(app, '/v1/things/abc', JSON.stringify({ name: 'n' })),
      await app.request('/v1/things/encoded/date'),
      await put(app, '/v1/things/abc', '{'),
      await app.request('/v1/nowhere'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 404]);
    const ids = answers.map((r) => r.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(answers.map((r) => r.headers.get('content-type'))).toEqual(['application/json', 'application/json', 'application/problem+json', 'application/problem+json']);
  });

  it('refuses a declaration whose path parameters and params differ, or a route outside its group', () => {
    const misnamed = { summary: 's', guard: requires('GOVERNANCE'), responses: {} } as const;
    expect(() => route('misnamed', 'get', '/v1/things/{id}', { ...misnamed, params: z.object({ key: z.string() }) })).toThrow('path parameters id but params key');
    expect(() => new RouteGroup('/v1/other').serve(drifting, (c) => c.json({ id: 'a', name: 'b' }, 200))).toThrow('is not under `/v1/other`');
  });
});
