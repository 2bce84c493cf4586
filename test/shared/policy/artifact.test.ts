import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ArtifactFormatError, chunkIndex, compileSnapshot, decodeChunk, deriveSnapshot, encodeArtifact, physicalTableKey, snapshotFromArtifact, type ArtifactChunk } from '#shared/policy/index.ts';
import { entitlements, source, TRUSTED } from './fixtures.ts';
import { changeArb, deltaOf, observe, World } from './snapshot-world.ts';

const META = { trustedIams: TRUSTED, defaultIam: 'bim' };

describe('the snapshot artifact', () => {
  it('reads back into the snapshot a compile of the same input gives, and derives from there alike (property)', () => {
    fc.assert(
      fc.property(fc.array(changeArb, { maxLength: 14 }), fc.constantFrom(1, 3, 16), fc.array(changeArb, { maxLength: 4 }), (initial, chunks, later) => {
        const world = new World();
        for (const c of initial) world.apply(c);
        const read = snapshotFromArtifact(encodeArtifact(world.input(), chunks), META);
        expect(observe(read)).toEqual(observe(compileSnapshot(world.input())));
        for (const c of later) world.apply(c);
        const last = later.filter((c, i) => !later.slice(i + 1).some((d) => d.kind === c.kind && d.id === c.id));
        expect(observe(deriveSnapshot(read, deltaOf(last)))).toEqual(observe(compileSnapshot(world.input())));
      }),
      { numRuns: 200 },
    );
  });

  it('puts each item in the chunk its id hashes to, and a chunk decodes to exactly its items', () => {
    const sources = Array.from({ length: 50 }, (_, i) => source(`s${i}`, ['A']));
    const chunks = encodeArtifact({ sources, domains: [], policies: [entitlements('p', {})] }, 8);
    const held = chunks.map((c) => decodeChunk(c).sources.map((s) => s.id));
    for (const s of sources) expect(held[chunkIndex('source', s.id, 8)]).toContain(s.id);
    expect(held.flat().sort()).toEqual(sources.map((s) => s.id).sort());
    expect(decodeChunk(chunks[chunkIndex('policy', 'p', 8)]!).policies.map((p) => p.document.policyKey)).toEqual(['p']);
  });

  it('reads no source until one is asked for: ids and tables come from the heads, and a policy matching every source derives without reading any', () => {
    const sources = Array.from({ length: 40 }, (_, i) => source(`s${String(i).padStart(2, '0')}`, [i % 2 ? 'A.B' : 'E']));
    const unreadable = (c: ArtifactChunk): ArtifactChunk => ({ ...c, body: new Uint8Array(gzipSync('not json')) });
    const read = snapshotFromArtifact(encodeArtifact({ sources, domains: [], policies: [] }, 4).map(unreadable), META);
    const compiled = compileSnapshot({ sources, domains: [], policies: [], trustedIams: TRUSTED });
    expect(read.sourceIds).toEqual(compiled.sourceIds);
    expect(read.sourcesAt({ platform: 'postgres', database: 'DB', schema: 'public', table: 's07' })).toEqual(compiled.sourcesAt({ platform: 'postgres', database: 'db', schema: 'public', table: 's07' }));
    const everywhere = deriveSnapshot(read, { sources: new Map(), domains: new Map(), policies: new Map([['all', entitlements('all', { groups: ['G'] })]]) });
    expect(everywhere.subscriptions.has('all')).toBe(true);
    expect(() => everywhere.source('s07')).toThrow(ArtifactFormatError);
  });

  it('reads a chunk index only when one of its ids or tables is looked up: a cold start compiles the policies and reads no index', () => {
    const sources = Array.from({ length: 40 }, (_, i) => source(`s${i}`));
    const chunks = encodeArtifact({ sources, domains: [], policies: [entitlements('p', { groups: ['G'] })] }, 4);
    const broken = chunks.map((c, i) => (i === chunkIndex('source', 's7', 4) ? { ...c, index: new Uint8Array(gzipSync('{}')) } : c));
    const read = snapshotFromArtifact(broken, META);
    expect([...read.subscriptions.keys()]).toEqual(['p']);
    const elsewhere = sources.find((s) => chunkIndex('source', s.id, 4) !== chunkIndex('source', 's7', 4) && chunkIndex('table', physicalTableKey(s), 4) !== chunkIndex('source', 's7', 4))!;
    expect(read.source(elsewhere.id)?.facts.source).toEqual(elsewhere);
    expect(read.sourcesAt({ platform: 'postgres', database: 'db', schema: 'public', table: elsewhere.id })).toEqual([elsewhere.id]);
    expect(() => read.source('s7')).toThrow('unreadable artifact chunk index: not of this format');
  });

  it('parses only the source asked for, not the rest of its chunk: a decision on one source costs one source, whatever the chunk holds', () => {
    const sources = Array.from({ length: 30 }, (_, i) => source(`s${String(i).padStart(2, '0')}`, ['A']));
    const [chunk] = encodeArtifact({ sources, domains: [], policies: [] }, 1);
    const index = JSON.parse(gunzipSync(chunk!.index).toString('utf8')) as { sources: string[]; spans: number[] };
    const text = gunzipSync(chunk!.body).toString('utf8');
    // Every source but s12 made unreadable, each in place: a reader that parsed the whole body would fail on any of them.
    const at = index.sources.indexOf('s12');
    const kept = text.slice(index.spans[at]!, index.spans[at + 1]! - 1);
    const garbled = index.sources.map((_, i) => (i === at ? kept : '#'.repeat(index.spans[i + 1]! - 1 - index.spans[i]!))).join(',');
    const read = snapshotFromArtifact([{ ...chunk!, body: new Uint8Array(gzipSync(`[${garbled}]`)) }], META);
    expect(read.source('s12')?.facts.source).toEqual(sources[12]);
    expect(() => read.source('s13')).toThrow('unreadable artifact chunk body');
  });

  it('refuses a source whose text is not where the index says, or is another source', () => {
    const sources = [source('a'), source('b')];
    const [chunk] = encodeArtifact({ sources, domains: [], policies: [] }, 1);
    const swapped = snapshotFromArtifact([{ ...chunk!, body: new Uint8Array(gzipSync(JSON.stringify([sources[1], sources[0]]))) }], META);
    expect(() => swapped.source('a')).toThrow('unreadable artifact chunk body: not of this format');
    const shifted = snapshotFromArtifact([{ ...chunk!, body: new Uint8Array(gzipSync(` ${JSON.stringify(sources)}`)) }], META);
    expect(() => shifted.source('b')).toThrow(ArtifactFormatError);
    const index = JSON.parse(gunzipSync(chunk!.index).toString('utf8')) as { spans: number[] };
    for (const spans of [[1, 2, 3], [1, 40], 'x', [1, 40, 39], [0.5, 40, 80]]) {
      const bad = snapshotFromArtifact([{ ...chunk!, index: new Uint8Array(gzipSync(JSON.stringify({ ...index, spans }))) }], META);
      expect(() => bad.source('a')).toThrow('unreadable artifact chunk index: not of this format');
    }
  });

  it('keeps what a cold start reads independent of the catalog: a head holds no source, tag or table', () => {
    const plain = Array.from({ length: 20 }, (_, i) => source(`s${i}`));
    const tagged = plain.map((s, i) => source(s.id, [`Domain.Area${i}.Sub`], { columns: Array.from({ length: 20 }, (_, c) => ({ name: `c${c}`, tags: [`PII.Kind${i}.Col${c}`] })) }));
    const [light] = encodeArtifact({ sources: plain, domains: [], policies: [] }, 1);
    const [heavy] = encodeArtifact({ sources: tagged, domains: [], policies: [] }, 1);
    expect(heavy!.head).toEqual(light!.head);
    expect(heavy!.body.byteLength).toBeGreaterThan(light!.body.byteLength);
    const [more] = encodeArtifact({ sources: [...plain, ...plain.map((s) => source(`${s.id}x`))], domains: [], policies: [] }, 1);
    expect(more!.head.byteLength).toBeLessThan(light!.head.byteLength + 4);
  });

  it('refuses a head of another format', () => {
    const chunk: ArtifactChunk = { head: new Uint8Array(gzipSync(JSON.stringify({ sources: [] }))), index: new Uint8Array(gzipSync('{}')), body: new Uint8Array(gzipSync('[]')) };
    expect(() => snapshotFromArtifact([chunk], META)).toThrow('unreadable artifact chunk head: not of this format');
    expect(() => snapshotFromArtifact([{ ...chunk, head: new Uint8Array([1, 2, 3]) }], META)).toThrow(ArtifactFormatError);
  });
});
