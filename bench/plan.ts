/**
 * `warden plan` on the benchmark organisation (5,000 users, 2,000 sources, 200 subscription and
 * 10 data policies) loaded into DynamoDB Local: the real binary against the local server, timed
 * end to end (start, reads, the simulation of the whole change set, output). Prints one JSON
 * object. Run: `npx tsx bench/plan.ts`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { startLocal } from '#local/bootstrap.ts';
import { dataPolicySchema } from '#shared/model/policy.ts';
import { syntheticOrg } from './synthetic-org.ts';

const SIZE = { users: 5_000, groups: 500, sources: 2_000, policies: 200 };
const DATA_POLICIES = 10;
/** Catalog and policy writes all bump one snapshot item, so they go one at a time; identities in parallel. */
const CONCURRENCY = 16;
const audit = { actor: { type: 'service', id: 'bench' }, action: 'CREATE', actionStatus: 'SUCCESS', targetType: 'bench', targets: [], payload: {} } as const;

/** Runs `work` on every item, `CONCURRENCY` at a time. */
async function each<T>(items: readonly T[], work: (item: T) => Promise<unknown>, concurrency = CONCURRENCY): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

// `BENCH_DATA_DIR` keeps DynamoDB Local's data between runs: loading takes minutes, planning seconds.
const dataDir = process.env.BENCH_DATA_DIR;
const warden = await startLocal({ port: 0, seed: false, logLevel: 'silent', ...(dataDir ? { dataDir } : {}) });
try {
  const { users, groups, catalog, policies, apiKeys } = warden.services;
  const org = syntheticOrg(SIZE);
  async function load(): Promise<void> {
    await each(org.subjects, (s) =>
      users.create({ iamid: 'bim', userid: s.userid, displayName: s.userid, active: s.active }, undefined, {
        source: 'manual',
        values: Object.fromEntries([...s.attributes].map(([k, v]) => [k, [...v]])),
      }),
    );
    const members = new Map<string, string[]>();
    for (const s of org.subjects) for (const g of s.groups) members.set(g, [...(members.get(g) ?? []), s.userid]);
    await each([...members], async ([name, userids]) => {
      const group = await groups.getOrCreateByName('bim', name);
      for (let i = 0; i < userids.length; i += 25) await groups.addMembers('bim', group.id, userids.slice(i, i + 25), 'manual');
    });
    await each(org.sources, ({ id, version: _v, createdAt: _c, updatedAt: _u, ...input }) => catalog.putSource(id, { ...input, owners: [], disabledPolicies: undefined }, undefined, audit), 1);
    const masks = Array.from({ length: DATA_POLICIES }, (_, i) =>
      dataPolicySchema.parse({
        policyKey: `mask-${i}`,
        type: 'data',
        rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: `Domain${i}` }], masking: { type: 'hash' }, exceptions: { groups: [`G${i}`] } }],
      }),
    );
    await each([...org.policies.map((p) => p.document), ...masks], (doc) => policies.put(doc, () => audit), 1);
  }
  const loadStart = performance.now();
  const loaded = !(await users.getProfile('bim', 'user0'));
  if (loaded) await load();
  const loadMs = performance.now() - loadStart;

  const apiKey = newSecret('wdn');
  await apiKeys.create({ hash: sha256Hex(apiKey), name: 'bench', principal: { type: 'service', id: 'bench-ci' }, permissions: ['GOVERNANCE'], createdBy: 'bench' });
  const dir = mkdtempSync(join(tmpdir(), 'warden-plan-bench-'));
  const bin = join(process.cwd(), 'cli/warden.js');
  // The server runs in this process: the command must run asynchronously, or nobody answers it.
  const cli = (args: string[]) =>
    new Promise<{ ms: number; code: number; stdout: string }>((resolve, reject) => {
      const started = performance.now();
      const env = { ...process.env, WARDEN_URL: warden.url, WARDEN_API_KEY: apiKey, NO_COLOR: '1' };
      execFile(process.execPath, [bin, ...args], { cwd: dir, env, maxBuffer: 1 << 28 }, (error, stdout, stderr) => {
        const code = error ? Number(error.code ?? 1) : 0;
        if (code !== 0 && code !== 2) reject(new Error(`warden ${args.join(' ')} failed: ${stderr}`));
        else resolve({ ms: Math.round(performance.now() - started), code, stdout });
      });
    });

  const exported = await cli(['export', 'repo']);
  const unchanged = await cli(['plan', 'repo']);
  // One guard tightened, one grant widened, one mask's exception dropped: a change set of three.
  const edit = (key: string, change: (doc: Record<string, any>) => void) => { // any: a policy file as YAML parses it, edited in place
    const path = join(dir, 'repo/policies', `${key}.yaml`);
    const doc = parse(readFileSync(path, 'utf8')) as Record<string, any>; // any: as above
    change(doc);
    writeFileSync(path, stringify(doc));
  };
  const required = org.policies.find((p) => p.document.type === 'subscription' && p.document.actions.merge === 'alwaysRequired')!.document.policyKey;
  const shared = org.policies.find((p) => p.document.type === 'subscription' && p.document.actions.merge === 'shareResponsibility')!.document.policyKey;
  edit(required, (d) => (d.actions.entitlements = { operator: 'any', attributes: [{ name: 'Country', value: 'US' }] }));
  edit(shared, (d) => (d.actions.entitlements.groups = [...d.actions.entitlements.groups, 'G1', 'G2']));
  edit('mask-0', (d) => delete d.rules[0].exceptions);
  const changed = await cli(['plan', 'repo', '--json']);
  const plan = JSON.parse(changed.stdout) as { changes: unknown[]; effect: { summary: Record<string, number> } };

  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'plan',
      organisation: { ...SIZE, dataPolicies: DATA_POLICIES },
      loadSeconds: loaded ? Number((loadMs / 1000).toFixed(1)) : 'reused BENCH_DATA_DIR',
      exportMs: exported.ms,
      planNoChangeMs: unchanged.ms,
      planNoChangeExitCode: unchanged.code,
      planMs: changed.ms,
      planExitCode: changed.code,
      changes: plan.changes.length,
      effect: plan.effect.summary,
      target: { seconds: 10, met: changed.ms < 10_000 },
    })}\n`,
  );
} finally {
  await warden.stop();
}
