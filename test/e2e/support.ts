import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';
import { startLocal, type LocalWarden } from '#local/bootstrap.ts';

/** Where each test's screenshot goes (git-ignored); the README's three are copied to `docs/`. */
export const OUTPUT = new URL('./output/', import.meta.url);

/** Debian's chromium, as `.ci/run` installs it. */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless chromium; Playwright gives every launch a fresh temporary profile (user-data-dir). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** `npm start` on a random loopback port, over the run's DynamoDB Local, with the demo organisation. */
export function startWarden(): Promise<LocalWarden> {
  return startLocal({ port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tablePrefix: `e${randomUUID().slice(0, 8)}_`, adminKey: 'wdn_e2e-admin', logLevel: 'silent' });
}

/** Warden and headless chromium, started together: what every browser test starts with. */
export const startWardenAndBrowser = (): Promise<[LocalWarden, Browser]> => Promise.all([startWarden(), launchBrowser()]);

/** Stops what `startWardenAndBrowser` started; either is missing when its start failed. */
export async function stopWardenAndBrowser(warden: LocalWarden | undefined, browser: Browser | undefined): Promise<void> {
  await browser?.close();
  await warden?.stop();
}

/** Calls the API as the bootstrap admin. */
export async function asAdmin(warden: LocalWarden, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${warden.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${warden.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** A new API key of a demo user, made by the admin. */
export async function keyOf(warden: LocalWarden, iamid: string, userid: string): Promise<string> {
  const res = await asAdmin(warden, 'POST', '/v1/api-keys', { name: `e2e ${userid}`, principal: { type: 'user', iamid, id: userid } });
  if (res.status !== 201) throw new Error(`api key for \`${userid}\`: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { apiKey: string }).apiKey;
}

/** A fresh browser context signed in with a key through the sign-in page. */
export async function signedInPage(browser: Browser, warden: LocalWarden, key: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: warden.url });
  const page = await context.newPage();
  await page.goto('/console/sign-in');
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/console/data**');
  return { context, page };
}

/** Saves a full-page screenshot of what the test checked, under `test/e2e/output/`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = new URL(`${name}.png`, OUTPUT).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious or critical accessibility violations axe-core finds on the page, as `rule: target` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Injected by the test harness, not the page: the console's CSP forbids inline script, and
  // Playwright's evaluation bypasses it the way an extension would.
  await page.evaluate(AXE);
  const results = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    return (await axe.run()).violations;
  });
  return results.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * The fastest of `tries` loads of a page after a warm-up (the snapshot, the user cache): what the
 * page costs, without the stalls a machine shared with other test runs adds to any one load.
 */
export async function fastestLoad(page: Page, path: string, tries = 3): Promise<number> {
  await loadTime(page, path);
  let best = Infinity;
  for (let i = 0; i < tries; i++) best = Math.min(best, await loadTime(page, path));
  return best;
}

/** How long the page took to load, from navigation start to the load event, in ms. */
export async function loadTime(page: Page, path: string): Promise<number> {
  await page.goto(path);
  return page.evaluate(() => {
    // The test's tsconfig has no DOM types; this runs in the page, where Navigation Timing is.
    const timing = performance as unknown as { getEntriesByType(type: string): Array<{ loadEventEnd: number; startTime: number }> };
    const [nav] = timing.getEntriesByType('navigation');
    return Math.round(nav!.loadEventEnd - nav!.startTime);
  });
}
