/*
 * Seed 004 with the CLI, step by step as docs/policy-as-code.md tells it: a clone of `hr_data`
 * in a test domain, the pre-existing global policy disabled on the clone, a new version of it
 * with an Always Required "subscription-testers" policy, plan, apply, then the move to
 * production. The real binary against a local Warden over DynamoDB Local.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWorld, type CliWorld } from './support.ts';

let w: CliWorld;
beforeAll(async () => {
  w = await cliWorld();
  expect((await w.run(['export', 'repo'])).code).toBe(0);
  await mkdir(join(w.dir, 'repo/data-sources'), { recursive: true });
});
afterAll(async () => {
  await w.warden.stop();
});

const write = (file: string, text: string) => writeFile(join(w.dir, 'repo', file), text);

const CLONE = `id: hr_data_dev
name: HR Data (policy 1 test)
platform: postgres
database: warden_dev
schema: hr
table: employees
domain: policy-1-test
owners:
  - { iamid: okta, userid: jdoe }
tags: [Strictly Confidential]
columns:
  - { name: id, type: integer }
  - { name: ssn, type: varchar, tags: [Discovered.SSN] }
  - { name: country, type: varchar, tags: [Discovered.Country] }
disabledPolicies: [country-access]
`;

const TESTERS = `policyKey: subscription-testers
type: subscription
circumstances:
  - { type: domain, domain: policy-1-test }
actions:
  type: entitlements
  entitlements:
    attributes: [{ name: policy test, value: country-access-v2 }]
  merge: alwaysRequired
`;

const V2 = (target: string) => `policyKey: country-access-v2
name: Country Access (US and Germany)
type: subscription
circumstances:
  - ${target}
actions:
  type: entitlements
  entitlements:
    attributes: [{ name: Country, value: US }, { name: Country, value: Germany }]
  merge: alwaysRequired
`;

describe('seed 004: test a policy change on a clone, then move it to production', () => {
  it('plans the clone with the old policy disabled and the testers policy: only testers who meet the new version gain it', async () => {
    for (const userid of ['bob', 'jdoe']) {
      const res = await w.api(`/v1/users/okta/${userid}/attributes/policy%20test`, { method: 'PUT', body: JSON.stringify({ values: ['country-access-v2'] }) });
      expect(res.status).toBe(200);
    }
    await write('data-sources/hr_data_dev.yaml', CLONE);
    await write('policies/subscription-testers.yaml', TESTERS);
    await write('policies/country-access-v2.yaml', V2('{ type: domain, domain: policy-1-test }'));
    const plan = await w.run(['plan', 'repo', '--out', 'plan.json']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('+ data source `hr_data_dev` (repo/data-sources/hr_data_dev.yaml:1)\n+ policy `country-access-v2`');
    // jdoe tests too, but is in France: the new version refuses her, as it will in production.
    expect(plan.stdout).toContain('  hr_data_dev\n    gains access: okta/bob\n');
    expect(plan.stdout).not.toContain('  hr_data\n');
    expect((await w.run(['apply', 'plan.json'])).code).toBe(0);
    const explain = await w.run(['explain', 'okta/jdoe', 'hr_data_dev']);
    expect(explain.stdout).toContain('✗ country-access-v2 [always required]');
    expect(explain.stdout).toContain('○ country-access: disabled on this data source');
  });

  it('moves the new version to production: the old policy goes, and the plan shows who loses access', async () => {
    await write('policies/country-access-v2.yaml', V2('{ type: tags, tag: Strictly Confidential }'));
    await rm(join(w.dir, 'repo/policies/country-access.yaml'));
    const plan = await w.run(['plan', 'repo', '--prune', '--format', 'markdown']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('| - | policy `country-access` |  |');
    // The repository registers one source, the clone: without --catalog, --prune deletes no other.
    expect(plan.stdout).not.toContain('data source `sales`');
    expect(plan.stdout).toContain('| `hr_data` |  | `okta/jdoe` |  |  |');
    expect((await w.run(['apply', 'repo', '--prune'])).code).toBe(0);
    expect(await w.run(['plan', 'repo', '--prune'])).toMatchObject({ code: 0 });
  });
});
