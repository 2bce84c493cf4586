import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalWarden } from '#local/bootstrap.ts';
import { asAdmin, keyOf, screenshot, seriousViolations, signedInPage, startWardenAndBrowser, stopWardenAndBrowser } from './support.ts';

let warden: LocalWarden;
let browser: Browser;
const keys: Record<string, string> = {};

beforeAll(async () => {
  [warden, browser] = await startWardenAndBrowser();
  for (const userid of ['jdoe', 'smwilliams@example.com', 'bob']) keys[userid] = await keyOf(warden, 'okta', userid);
  // The manual override of seed 004: a source whose one policy lets users discover it and ask.
  const claims = { name: 'Claims', platform: 'postgres', database: 'warden', schema: 'ins', table: 'claims', owners: [{ iamid: 'okta', userid: 'jdoe' }], tags: ['Claims'], columns: [{ name: 'amount', type: 'numeric', tags: [] }] };
  expect((await asAdmin(warden, 'PUT', '/v1/data-sources/claims', claims)).status).toBe(201);
  const byRequest = { name: 'Claims by request', type: 'subscription', circumstances: [{ type: 'tags', tag: 'Claims' }], actions: { type: 'approval', allowDiscovery: true } };
  expect((await asAdmin(warden, 'PUT', '/v1/policies/claims-by-request', byRequest)).status).toBe(201);
}, 120_000);

afterAll(() => stopWardenAndBrowser(warden, browser));

describe('the console in a browser', () => {
  it('lets a user find a discoverable source and request access, its owner approve, and the user query it', async () => {
    const sam = await signedInPage(browser, warden, keys['smwilliams@example.com']!);
    await sam.page.goto('/console/data?search=claims');
    await expect.poll(() => sam.page.locator('main').innerText()).toContain('Discoverable');
    await sam.page.getByLabel('Reason for Claims').fill('quarterly fraud review');
    await sam.page.getByRole('button', { name: 'Request access' }).click();
    await expect.poll(() => sam.page.locator('main').innerText()).toContain('Request pending');
    expect(await seriousViolations(sam.page)).toEqual([]);
    await screenshot(sam.page, 'data-request-pending');

    const jane = await signedInPage(browser, warden, keys.jdoe!);
    await jane.page.goto('/console/requests');
    const row = jane.page.getByRole('row', { name: /smwilliams@example\.com/ });
    await expect.poll(() => row.innerText()).toContain('quarterly fraud review');
    expect(await seriousViolations(jane.page)).toEqual([]);
    await row.getByLabel(/Comment for/).fill('ok for Q3');
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => jane.page.locator('main').innerText()).toContain('approved: smwilliams@example.com on claims');
    await screenshot(jane.page, 'requests-approved');

    // At once: the approval made the deciding instance forget what it had cached of Sam.
    await sam.page.goto('/console/why?source=claims');
    expect(await sam.page.locator('main').innerText()).toMatch(/Access granted[\s\S]*approved access request/);
    await screenshot(sam.page, 'why-after-approval');
    await sam.page.goto('/console/data?search=claims');
    expect(await sam.page.locator('main').innerText()).toContain('You may query it (approved request)');
    await screenshot(sam.page, 'data-granted');
    await Promise.all([sam.context.close(), jane.context.close()]);
  }, 60_000);
});

describe('policies in the console', () => {
  it("shows who gains and who loses before a policy edit is saved, and points at the line of a mistake", async () => {
    const admin = await signedInPage(browser, warden, warden.adminKey);
    const { page } = admin;
    await page.goto('/console/policies/legal-team');
    const editor = page.getByLabel('Policy (YAML)');
    const yaml = await editor.inputValue();
    expect(yaml).toContain('- Legal');
    await editor.fill(yaml.replace('- Legal', '- Analysts'));
    await page.getByRole('button', { name: 'Dry run' }).click();
    const changes = page.getByRole('table', { name: 'Changes' });
    await expect.poll(() => changes.innerText()).toMatch(/okta\/smwilliams@example\.com\thr_data\tgains/);
    expect(await changes.innerText()).toMatch(/okta\/bob\thr_data\tloses/);
    const chart = page.getByRole('img', { name: /Who gains and loses access per source/ });
    expect(await chart.getAttribute('aria-label')).toContain('hr_data: 1 gain, 2 lose');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'policies-dry-run');

    await editor.fill('policyKey: broken\ntype: subscription\nactions:\n  type: bogus\n');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('The problem is at line 4.');
    expect(await page.getByRole('alert').innerText()).toContain('`actions.type`');
    await editor.fill('policyKey: broken\ntype: [subscription\n');
    await page.getByRole('button', { name: 'Dry run' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toMatch(/^line \d+: invalid YAML/);
    await screenshot(page, 'policies-line-error');

    await editor.fill(yaml.replace('policyKey: legal-team', 'policyKey: legal-team-draft').replace('- Legal', '- Analysts'));
    await page.getByRole('button', { name: 'Save staged' }).click();
    await expect.poll(() => page.locator('main').innerText()).toContain('legal-team-draft saved staged');
    await page.goto('/console/policies?staged=true');
    expect(await page.getByRole('table', { name: 'Policies' }).innerText()).toContain('legal-team-draft');
    await admin.context.close();
  }, 60_000);
});

describe('why', () => {
  it("explains the seed's masked column: bob may query HR data, with ssn hashed by mask-pii", async () => {
    const admin = await signedInPage(browser, warden, warden.adminKey);
    await admin.page.goto('/console/why?user=okta/bob&source=hr_data');
    const tree = admin.page.getByRole('list', { name: 'Decision' });
    const text = await tree.innerText();
    expect(text).toContain('Access granted');
    expect(text).toMatch(/Always required: every one must hold[\s\S]*held country-access[\s\S]*held employees-only/);
    expect(text).toMatch(/Share responsibility: one holding is enough[\s\S]*held legal-team/);
    const ssn = admin.page.getByRole('row', { name: /^ssn/ });
    expect(await ssn.innerText()).toMatch(/ssn\tmasked \(hash\)\tmask-pii/);
    expect(await admin.page.getByRole('row', { name: /^email/ }).innerText()).toMatch(/email\tclear/);
    for (const dialect of ['postgres', 'trino', 'snowflake', 'databricks']) {
      expect(await admin.page.getByRole('region', { name: `SQL for ${dialect}` }).innerText()).toMatch(/SELECT[\s\S]*ssn/i);
    }
    expect(await seriousViolations(admin.page)).toEqual([]);
    await screenshot(admin.page, 'why-masked-column');
    await admin.context.close();
  }, 60_000);
});
