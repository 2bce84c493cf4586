/*
 * `warden export`, `plan` and `apply` as a user runs them: the real binary against a local
 * Warden over DynamoDB Local, asserting on output, files and exit codes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorld, problems, type CliWorld } from './support.ts';

let w: CliWorld;
beforeAll(async () => {
  w = await cliWorld();
});
afterAll(async () => {
  await w.warden.stop();
});

/** France leaves `country-access` (jdoe loses), Analysts join `legal-team` (smwilliams gains). */
async function gainAndLoss(): Promise<void> {
  await w.edit('repo/policies/country-access.yaml', (t) => t.replace('value: France', 'value: Germany'));
  await w.edit('repo/policies/legal-team.yaml', (t) => t.replace('      - Legal\n', '      - Legal\n      - Analysts\n'));
}

describe('export, plan and apply', () => {
  it('exports every policy and data source, and a plan of the export shows no change (exit 0)', async () => {
    const exported = await w.run(['export', 'repo', '--catalog']);
    expect(exported).toMatchObject({ code: 0, stdout: 'Exported 9 objects to repo\n' });
    const legal = await readFile(join(w.dir, 'repo/policies/legal-team.yaml'), 'utf8');
    expect(legal.split('\n').slice(0, 3)).toEqual(['policyKey: legal-team', 'name: Legal Team', 'type: subscription']);
    expect(await readFile(join(w.dir, 'repo/data-sources/hr_data.yaml'), 'utf8')).toMatch(/^id: hr_data\nname: HR Data\nplatform: postgres\n/);
    const plan = await w.run(['plan', 'repo']);
    expect(plan).toMatchObject({ code: 0, stdout: 'No changes: the live state matches the files.\n' });
  });

  it('shows the field diff, who gains and who loses per source, and exits 2', async () => {
    await gainAndLoss();
    const plan = await w.run(['plan', 'repo']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).not.toContain('\u001b[');
    expect(plan.stdout).toContain('~ policy `country-access` (repo/policies/country-access.yaml:1)\n    actions.entitlements.attributes[1].value: "France" → "Germany"\n');
    expect(plan.stdout).toContain('~ policy `legal-team` (repo/policies/legal-team.yaml:1)\n    actions.entitlements.groups[1]: + "Analysts"\n');
    expect(plan.stdout).toContain('  hr_data\n    gains access: okta/smwilliams@example.com\n    loses access: okta/jdoe\n');
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('Plan: 0 to add, 2 to change, 0 to remove; 2 accesses gained, 2 accesses lost, 0 mask changes, 0 row filter changes.');
  });

  it('prints the pull-request comment of the golden file with --format markdown', async () => {
    const plan = await w.run(['plan', 'repo', '--format', 'markdown']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toBe(await readFile(new URL('golden/plan.md', import.meta.url), 'utf8'));
  });

  it('says how many simulated changes the server left out with --limit, the summary still counting them all', async () => {
    const plan = await w.run(['plan', 'repo', '--limit', '1']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('  hr_data\n    loses access: okta/jdoe\n  … and 3 more');
    expect(plan.stdout).not.toContain('patients');
    expect(plan.stdout).toContain('  … and 3 more changes not listed (the server lists the first 1); the summary counts them all\n');
    expect(plan.stdout.trim().split('\n').at(-1)).toBe('Plan: 0 to add, 2 to change, 0 to remove; 2 accesses gained, 2 accesses lost, 0 mask changes, 0 row filter changes.');
    const markdown = await w.run(['plan', 'repo', '--limit', '1', '--format', 'markdown']);
    expect(markdown.stdout).toContain('\n_… and 3 more changes not listed (the server lists the first 1); the summary counts them all._\n');
    const json = JSON.parse((await w.run(['plan', 'repo', '--limit', '0', '--json'])).stdout) as { effect: { changes: unknown[]; changesOmitted: number } };
    expect(json.effect).toMatchObject({ changes: [], changesOmitted: 4 });
    const bad = await w.run(['plan', 'repo', '--limit', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('expected a whole number of changes, not `lots`');
  });

  it('refuses to apply a plan once an object moved, naming it, and writes nothing', async () => {
    expect((await w.run(['plan', 'repo', '--out', 'plan.json'])).code).toBe(2);
    const saved = JSON.parse(await readFile(join(w.dir, 'plan.json'), 'utf8')) as { changes: Array<{ key: string; liveVersion: number }> };
    expect(saved.changes.map((c) => [c.key, c.liveVersion])).toEqual([['country-access', 1], ['legal-team', 1]]);
    const current = (await (await w.api('/v1/policies/legal-team')).json()) as Record<string, unknown>;
    expect((await w.api('/v1/policies/legal-team', { method: 'PUT', body: JSON.stringify({ ...current, name: 'Legal (edited)' }) })).status).toBe(200);

    const apply = await w.run(['apply', 'plan.json']);
    expect(apply.code).toBe(1);
    expect(problems(apply.stderr)).toEqual(['error: refused: policy `legal-team` moved since the plan (planned against version 1, now version 2): run `warden plan` again']);
    const country = (await (await w.api('/v1/policies/country-access')).json()) as { version: number };
    expect(country.version).toBe(1);
  });

  it('applies a fresh plan exactly, keeps a staged policy staged, and the files then match', async () => {
    await w.edit('repo/policies/legal-team.yaml', (t) => t.replace('name: Legal Team', 'name: Legal (edited)'));
    await w.edit('repo/policies/mask-pii.yaml', (t) => t.replace('staged: false', 'staged: true'));
    expect((await w.run(['plan', 'repo', '--out', 'plan.json'])).code).toBe(2);
    const apply = await w.run(['apply', 'plan.json']);
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('~ policy `country-access` at version 2\n~ policy `legal-team` at version 3\n~ policy `mask-pii` at version 2 (staged)\n');
    expect(((await (await w.api('/v1/policies/mask-pii')).json()) as { staged: boolean }).staged).toBe(true);
    expect(await w.run(['plan', 'repo'])).toMatchObject({ code: 0 });
    const audit = (await (await w.api('/v1/audit?action=UPDATE')).json()) as { records: Array<{ targets: string[]; userId: string }> };
    expect(audit.records.filter((r) => r.targets[0] === 'mask-pii')).toHaveLength(1);
  });

  it('creates, and with --prune removes, and prints the plan as JSON with --json', async () => {
    await w.edit('repo/policies/internal-anyone.yaml', (t) => t.replace('policyKey: internal-anyone', 'policyKey: internal-everyone'));
    const plan = await w.run(['plan', 'repo', '--prune', '--json']);
    expect(plan.code).toBe(2);
    const json = JSON.parse(plan.stdout) as { changes: Array<{ action: string; key: string; liveVersion: number | null }>; effect: { summary: { gained: number; lost: number } } };
    expect(json.changes.map((c) => [c.action, c.key, c.liveVersion])).toEqual([['delete', 'internal-anyone', 1], ['create', 'internal-everyone', null]]);
    expect(json.effect.summary).toMatchObject({ gained: 0, lost: 0 });
    expect((await w.run(['apply', 'repo', '--prune'])).code).toBe(0);
    expect((await w.api('/v1/policies/internal-anyone')).status).toBe(404);
    expect(await w.run(['plan', 'repo', '--prune'])).toMatchObject({ code: 0 });
  });

  it('points a validation error at the file, line and field, and exits 1', async () => {
    await w.edit('repo/policies/legal-team.yaml', (t) => t.replace('merge: shareResponsibility', 'merge: sometimes'));
    const plan = await w.run(['plan', 'repo']);
    expect(plan.code).toBe(1);
    expect(problems(plan.stderr)[0]).toMatch(/^repo\/policies\/legal-team\.yaml:12:10: `actions\.merge`: /);
    await w.edit('repo/policies/legal-team.yaml', (t) => t.replace('merge: sometimes', 'merge: shareResponsibility'));
    await w.edit('repo/policies/mask-pii.yaml', (t) => `${t}broken: "unterminated\n`);
    const yaml = await w.run(['plan', 'repo']);
    expect(yaml.code).toBe(1);
    expect(problems(yaml.stderr)[0]).toMatch(/^repo\/policies\/mask-pii\.yaml:\d+:\d+: invalid YAML: /);
    expect(problems((await w.run(['plan', 'nowhere'])).stderr)).toEqual(['error: `nowhere` does not exist']);
  });

  it('exports a data source whose id holds `/` or starts with `.` inside the directory, and plans it back with no change', async () => {
    const source = { name: 'Tricky', platform: 'postgres', database: 'db', schema: 's', table: 't' };
    for (const id of ['../../escape', '.hidden']) expect((await w.api(`/v1/data-sources/${encodeURIComponent(id)}`, { method: 'PUT', body: JSON.stringify(source) })).status).toBe(201);
    expect((await w.run(['export', 'tricky', '--catalog'])).code).toBe(0);
    expect((await readdir(join(w.dir, 'tricky/data-sources'))).sort()).toEqual(['%2E.%2F..%2Fescape.yaml', '%2Ehidden.yaml', 'hr_data.yaml', 'patients.yaml', 'sales.yaml']);
    expect((await readdir(w.dir)).includes('escape.yaml')).toBe(false);
    expect(await w.run(['plan', 'tricky', '--catalog', '--prune'])).toMatchObject({ code: 0 });
  });
});
