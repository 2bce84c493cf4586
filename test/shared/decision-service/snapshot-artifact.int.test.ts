import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Caller } from '#shared/auth/caller.ts';
import { DecisionService } from '#shared/decision-service/index.ts';
import { buildArtifact, startArtifactBuilder } from '#shared/decision-service/snapshot-artifact-build.ts';
import { snapshotLoader } from '#shared/decision-service/snapshot-loader.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';
import { parsePolicyDocument } from '#shared/policy/index.ts';
import type { DecidingServices } from '#shared/services.ts';
import { batchWrite } from '#shared/store/batch.ts';
import { artifactKeys, catalogKeys } from '#shared/store/key-formats.ts';
import { testServices } from '../../support/services.ts';

const audit = (id: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [id], payload: {} });
const ctx = { caller: { principal: { type: 'service', id: 'test' }, permissions: new Set(), via: 'bootstrap' } as Caller };
const TAGS = ['Dept.D0', 'Dept.D1', 'Dept.D2', 'PII', 'PII.Email', 'Public'];
const USERS = [
  { userid: 'ana', groups: [] },
  { userid: 'bo', groups: ['analysts'] },
  { userid: 'cy', groups: ['pii-readers', 'analysts'] },
];

/** A seeded generator (mulberry32): the same organisation on every run, different across seeds. */
function random(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const pick = (r: (n: number) => number) => TAGS.filter(() => r(3) === 0);
const sourceInput = (r: (n: number) => number, i: number): DataSourceInput => ({
  name: `S${i}`,
  platform: 'trino',
  database: 'w',
  schema: 's',
  table: `t${i % 7}`,
  owners: [],
  tags: pick(r),
  columns: Array.from({ length: 1 + r(4) }, (_, c) => ({ name: `c${c}`, type: 'varchar', tags: pick(r).slice(0, 1) })),
});

/** An organisation of `size` generated sources, users in groups and policies of every targeting kind (one matching every source). */
async function organisation(size: number, seed: number) {
  const s = await testServices();
  const r = random(seed);
  for (const u of USERS) await s.users.create({ iamid: 'bim', userid: u.userid, displayName: u.userid });
  for (const name of ['analysts', 'pii-readers']) {
    const group = await s.groups.getOrCreateByName('bim', name);
    await s.groups.addMembers('bim', group.id, USERS.filter((u) => u.groups.includes(name)).map((u) => u.userid), 'manual');
  }
  const now = new Date().toISOString();
  const items = Array.from({ length: size }, (_, i) => ({ pk: catalogKeys.source(`src${i}`), sk: catalogKeys.meta, ...sourceInput(r, i), id: `src${i}`, owners: [], version: 1, createdAt: now, updatedAt: now }));
  for (let i = 0; i < items.length; i += 25) expect(await batchWrite(s.db, s.db.tables.catalog, items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })))).toEqual([]);
  const docs = [
    { policyKey: 'all', type: 'subscription', actions: { type: 'entitlements', entitlements: { groups: ['analysts'] } }, circumstances: [] },
    ...TAGS.map((tag, i) => ({ policyKey: `tag-${i}`, type: 'subscription', actions: r(2) ? { type: 'anyone' } : { type: 'entitlements', entitlements: { groups: ['pii-readers'] } }, circumstances: [{ type: r(2) ? 'tags' : 'columnTags', tag }] })),
    { policyKey: 'mask-pii', type: 'data', rules: [{ type: 'masking', fields: [{ type: 'columnTags', tag: 'PII' }], masking: { type: 'hash' }, exceptions: { groups: ['pii-readers'] } }], circumstances: [] },
  ];
  for (const doc of docs) await s.policies.put(parsePolicyDocument(doc), () => audit(doc.policyKey));
  return s;
}

const build = (s: DecidingServices, full = false) => buildArtifact({ loader: snapshotLoader(s), artifacts: s.snapshotArtifacts, log: s.log }, { full });

/** A cold instance over `s` (its artifact used unless `scan`), and the DynamoDB commands its first decision sent. */
async function cold(s: DecidingServices, scan = false) {
  const commands: string[] = [];
  s.db.doc.middlewareStack.remove('countCommands');
  s.db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? '?');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  const decisions = new DecisionService(scan ? { ...s, snapshotArtifacts: undefined } : s, { refreshMs: 60_000, userCacheMs: 600_000 });
  await decisions.snapshot();
  return { decisions, commands: [...commands] };
}

async function everyDecision(decisions: DecisionService, size: number) {
  const ids = Array.from({ length: size }, (_, i) => `src${i}`);
  return Promise.all(USERS.map((u) => decisions.decideMany(ctx, { iamid: 'bim', userid: u.userid }, ids, 'trino')));
}

describe('a cold start from the snapshot artifact on DynamoDB Local', () => {
  const reads: Record<number, string[]> = {};

  beforeAll(async () => {
    for (const size of [60, 900]) {
      const s = await organisation(size, size);
      await build(s);
      reads[size] = (await cold(s)).commands;
    }
  }, 240_000);

  it('decides exactly as an instance that scanned the store, over generated organisations', async () => {
    for (const seed of [1, 2, 3]) {
      const s = await organisation(80, seed);
      expect((await build(s)).full).toBe(true);
      const fromArtifact = await cold(s);
      expect(fromArtifact.commands).not.toContain('ScanCommand');
      const granted = (await everyDecision(fromArtifact.decisions, 80)).flat().filter((d) => d.access === 'granted').length;
      expect(granted).toBeGreaterThan(0);
      expect(granted).toBeLessThan(240);
      expect(await everyDecision(fromArtifact.decisions, 80)).toEqual(await everyDecision((await cold(s, true)).decisions, 80));
    }
  }, 120_000);

  it('reads the same few items at 900 sources as at 60: a manifest, one batch of chunks, no scan', () => {
    expect(reads[900]).toEqual(reads[60]);
    expect(reads[900]!.filter((c) => c === 'BatchGetItemCommand')).toHaveLength(1);
    expect(reads[900]).not.toContain('ScanCommand');
  });

  it('reflects a change made after the artifact was built, and the next build rewrites only its chunk', async () => {
    const s = await organisation(50, 7);
    await build(s);
    await s.catalog.putSource('src3', { ...sourceInput(random(0), 3), tags: [] }, await s.catalog.getSource('src3'), audit('src3'));
    await s.policies.put(parsePolicyDocument({ policyKey: 'src3-only', type: 'subscription', actions: { type: 'anyone' }, circumstances: [{ type: 'dataSources', ids: ['src3'] }] }), () => audit('src3-only'));
    const { decisions, commands } = await cold(s);
    expect(commands).not.toContain('ScanCommand');
    expect((await decisions.decide(ctx, { iamid: 'bim', userid: 'ana' }, 'src3', 'trino')).access).toBe('granted');
    expect(await build(s)).toMatchObject({ written: 2, full: false });
    expect(await everyDecision((await cold(s)).decisions, 50)).toEqual(await everyDecision((await cold(s, true)).decisions, 50));
  }, 60_000);

  it('finds a source at its new physical table after it moves, is deleted or is added, once the next build rewrote the tables it left and joined', async () => {
    const s = await organisation(60, 11);
    await build(s);
    const moved = (await s.catalog.getSource('src3'))!;
    await s.catalog.putSource('src3', { ...sourceInput(random(1), 3), table: 'moved' }, moved, audit('src3'));
    await s.catalog.deleteSource('src10', audit('src10'));
    await s.catalog.putSource('src60', sourceInput(random(2), 60), undefined, audit('src60'));
    expect(await build(s)).toMatchObject({ full: false });
    const tables = ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 'moved', 'T3'];
    const at = async (scan: boolean) => {
      const { decisions, commands } = await cold(s, scan);
      const { snapshot } = await decisions.snapshot();
      return { commands, tables: tables.map((table) => snapshot.sourcesAt({ platform: 'trino', database: 'w', schema: 's', table })) };
    };
    const read = await at(false);
    expect(read.commands).not.toContain('ScanCommand');
    expect(read.tables).toEqual((await at(true)).tables);
    expect(read.tables[7]).toEqual(['src3']);
    expect(read.tables[3]).not.toContain('src3');
    expect(read.tables[3]).not.toContain('src10');
    expect(read.tables[60 % 7]).toContain('src60');
  }, 60_000);

  it('loads the whole store instead when a chunk is corrupt or missing', async () => {
    const s = await organisation(40, 9);
    await build(s);
    const manifest = (await s.snapshotArtifacts.manifest())!;
    const key = artifactKeys.chunk(0, manifest.chunks[0]!.generation);
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.policies, Item: { ...key, head: new Uint8Array([1]), index: new Uint8Array([3]), body: new Uint8Array([2]) } }));
    const corrupt = await cold(s);
    expect(corrupt.commands).toContain('ScanCommand');
    const expected = await everyDecision((await cold(s, true)).decisions, 40);
    expect(await everyDecision(corrupt.decisions, 40)).toEqual(expected);
    await s.db.doc.send(new DeleteCommand({ TableName: s.db.tables.policies, Key: key }));
    const missing = await cold(s);
    expect(missing.commands).toContain('ScanCommand');
    expect(await everyDecision(missing.decisions, 40)).toEqual(expected);
    expect(await build(s)).toMatchObject({ written: 0 });
    expect(await build(s, true)).toMatchObject({ full: true });
    expect((await cold(s)).commands).not.toContain('ScanCommand');
  }, 60_000);

  it('keeps one coherent artifact when builders race, and the local runner builds one at once and after each change', async () => {
    const s = await organisation(60, 11);
    const builds = await Promise.all([build(s), build(s), build(s)]);
    expect(builds.map((b) => b.version)).toEqual([builds[0]!.version, builds[0]!.version, builds[0]!.version]);
    await s.catalog.putSource('src5', { ...sourceInput(random(1), 5), tags: ['Public'] }, await s.catalog.getSource('src5'), audit('src5'));
    const stop = startArtifactBuilder({ loader: snapshotLoader(s), artifacts: s.snapshotArtifacts, log: s.log }, 50);
    const version = await s.policies.snapshotVersion();
    for (let i = 0; i < 100 && (await s.snapshotArtifacts.manifest())!.version !== version; i++) await new Promise((r) => setTimeout(r, 50));
    await stop();
    const { decisions, commands } = await cold(s);
    expect(commands).not.toContain('ScanCommand');
    expect((await s.snapshotArtifacts.manifest())!.version).toBe(version);
    expect(await everyDecision(decisions, 60)).toEqual(await everyDecision((await cold(s, true)).decisions, 60));
  }, 60_000);
});
