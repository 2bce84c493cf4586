import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarden } from '#local/bootstrap.ts';
import { asAdmin, keyOf, screenshot, signedInPage, startWardenAndBrowser, stopWardenAndBrowser } from './support.ts';

let warden: LocalWarden;
let browser: Browser;
let attacker: Server;
let attackerUrl: string;
let janeKey: string;
let requestId: string;

/** State of the pending request, as the admin reads it through the API. */
async function stateOf(id: string): Promise<string> {
  return ((await (await asAdmin(warden, 'GET', `/v1/access-requests/${id}`)).json()) as { state: string }).state;
}

beforeAll(async () => {
  [warden, browser] = await startWardenAndBrowser();
  janeKey = await keyOf(warden, 'okta', 'jdoe');
  const bobKey = await keyOf(warden, 'okta', 'bob');
  await asAdmin(warden, 'PUT', '/v1/data-sources/claims', { name: 'Claims', platform: 'postgres', database: 'w', schema: 'i', table: 'claims', owners: [{ iamid: 'okta', userid: 'jdoe' }], tags: ['Claims'], columns: [] });
  await asAdmin(warden, 'PUT', '/v1/policies/claims-by-request', { type: 'subscription', circumstances: [{ type: 'tags', tag: 'Claims' }], actions: { type: 'approval', allowDiscovery: true } });
  const filed = await fetch(`${warden.url}/v1/access-requests`, { method: 'POST', headers: { authorization: `Bearer ${bobKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ dataSource: 'claims' }) });
  requestId = ((await filed.json()) as { id: string }).id;
  // Another origin on the same host: the same site to a browser, so SameSite=Strict sends the cookie.
  attacker = createServer((_, res) => {
    res.setHeader('content-type', 'text/html');
    res.end(`<!doctype html><html lang="en"><title>prize</title><form method="post" action="${warden.url}/console/requests/${requestId}"><input type="hidden" name="verdict" value="approve"><button>Claim your prize</button></form></html>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => attacker?.close(r));
  await stopWardenAndBrowser(warden, browser);
});

describe('console sessions in a browser', () => {
  it('keeps only an HttpOnly, SameSite=Strict session cookie, never the key, and sign-out ends the session for every copy of the cookie', async () => {
    const { context, page } = await signedInPage(browser, warden, janeKey);
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(['warden_session']);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(JSON.stringify(await context.storageState())).not.toContain(janeKey);
    const stolen = cookies[0]!;

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/console/sign-in**');
    expect(await page.getByRole('status').innerText()).toBe('signed out');
    expect(await context.cookies()).toEqual([]);
    await screenshot(page, 'signed-out');

    const replay = await browser.newContext({ baseURL: warden.url });
    await replay.addCookies([stolen]);
    const again = await replay.newPage();
    await again.goto('/console/data');
    expect(again.url()).toContain('/console/sign-in');
    expect(await again.getByRole('status').innerText()).toBe('your session has ended: sign in again');
    expect((await replay.request.get('/v1/users/okta/jdoe')).status()).toBe(401);
    await Promise.all([context.close(), replay.close()]);
  }, 60_000);

  it('refuses a change another page makes the browser send, with the cookie but without the CSRF token', async () => {
    const { context, page } = await signedInPage(browser, warden, janeKey);
    await page.goto(attackerUrl);
    await page.getByRole('button', { name: 'Claim your prize' }).click();
    await page.waitForURL(`${warden.url}/console/requests/**`);
    expect(await page.getByRole('alert').innerText()).toBe('a form of another origin may not change anything here');
    await screenshot(page, 'csrf-refused');

    // The same forgery from the console's own origin: the API refuses it for want of the token.
    const forged = await context.request.post(`/console/requests/${requestId}`, { form: { verdict: 'approve' }, headers: { origin: warden.url } });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('a console session needs its csrf token in `x-csrf-token` to change anything');
    expect((await context.request.post(`/v1/access-requests/${requestId}/approve`)).status()).toBe(403);
    expect(await stateOf(requestId)).toBe('pending');

    await page.goto('/console/requests');
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('denied: bob on claims');
    expect(await stateOf(requestId)).toBe('denied');
    await context.close();
  }, 60_000);
});
