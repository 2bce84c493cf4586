import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditInput } from '#shared/audit/record.ts';
import type { DataSourceInput } from '#shared/model/catalog.ts';
import type { Services } from '#shared/services.ts';
import { CatalogRepository } from '#shared/store/catalog.ts';
import { catalogKeys } from '#shared/store/key-formats.ts';
import { VersionMismatchError } from '#shared/store/errors.ts';
import { readSnapshotVersion } from '#shared/store/snapshot-changes.ts';
import { auditRecords, testServices } from '../../support/services.ts';

let s: Services;
let repo: CatalogRepository;
const audit = (id: string): AuditInput => ({ actor: { type: 'service', id: 'test' }, action: 'UPDATE', actionStatus: 'SUCCESS', targetType: 'dataSource', targets: [id], payload: {} });
const input: DataSourceInput = { name: 'S', platform: 'trino', database: 'd', schema: 's', table: 't', owners: [], tags: ['X'], columns: [] };

beforeAll(async () => {
  s = await testServices();
  repo = new CatalogRepository(s.db, s.audit, 'bim');
});

describe('catalog repository', () => {
  it('bumps the snapshot version and writes the audit record with every change', async () => {
    const v0 = await readSnapshotVersion(s.db);
    await repo.putSource('a', input, undefined, audit('a'));
    await repo.putDomain('d', { name: 'D', tags: [] }, undefined, audit('d'));
    await repo.deleteSource('a', audit('a'));
    expect(await readSnapshotVersion(s.db)).toBe(v0 + 3);
    expect((await auditRecords(s)).filter((r) => ['a', 'd'].includes((r.targets as string[])[0]!))).toHaveLength(3);
  });

  it('refuses a write based on a stale version and leaves version and audit untouched', async () => {
    const first = await repo.putSource('b', input, undefined, audit('b'));
    await repo.putSource('b', { ...input, name: 'S2' }, first, audit('b'));
    const before = await readSnapshotVersion(s.db);
    const records = (await auditRecords(s)).length;
    await expect(repo.putSource('b', { ...input, name: 'S3' }, first, audit('b'))).rejects.toBeInstanceOf(VersionMismatchError);
    await expect(repo.putSource('b', input, undefined, audit('b'))).rejects.toBeInstanceOf(VersionMismatchError);
    expect((await repo.getSource('b'))!.name).toBe('S2');
    expect(await readSnapshotVersion(s.db)).toBe(before);
    expect((await auditRecords(s)).length).toBe(records);
  });

  it('scans sources and domains apart', async () => {
    const { sources, domains } = await repo.scan();
    expect(sources.map((x) => x.id)).toContain('b');
    expect(domains.map((x) => x.id)).toEqual(['d']);
    expect(sources[0]).not.toHaveProperty('pk');
  });

  it('reads the whole catalog in parallel segments, every source once and in id order', async () => {
    for (let i = 0; i < 30; i++) await repo.putSource(`seg${String(i).padStart(2, '0')}`, input, undefined, audit(`seg${i}`));
    const segments: number[] = [];
    s.db.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const scan = args.input as { Segment?: number };
        if (context.commandName === 'ScanCommand' && scan.Segment !== undefined) segments.push(scan.Segment);
        return next(args);
      },
      { step: 'initialize', name: 'countSegments' },
    );
    const ids = (await repo.scan()).sources.map((x) => x.id);
    s.db.doc.middlewareStack.remove('countSegments');
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids.filter((id) => id.startsWith('seg'))).toHaveLength(30);
    expect(new Set(segments)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
  });

  it('stores owners with their IAM, a bare userid in the default IAM, each once', async () => {
    const saved = await repo.putSource('owned', { ...input, owners: ['jdoe', { userid: 'jdoe' }, { iamid: 'okta', userid: 'jdoe' }] }, undefined, audit('owned'));
    const expected = [{ iamid: 'bim', userid: 'jdoe' }, { iamid: 'okta', userid: 'jdoe' }];
    expect(saved.owners).toEqual(expected);
    expect((await repo.getSource('owned'))!.owners).toEqual(expected);
  });

  it('reads owners stored as bare userids (before owners named their IAM) as owners in the default IAM', async () => {
    const legacy = { pk: catalogKeys.source('legacy'), sk: catalogKeys.meta, ...input, owners: ['jdoe', 'smwilliams'], id: 'legacy', version: 1, createdAt: 'x', updatedAt: 'x' };
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.catalog, Item: legacy }));
    expect((await repo.getSource('legacy'))!.owners).toEqual([{ iamid: 'bim', userid: 'jdoe' }, { iamid: 'bim', userid: 'smwilliams' }]);
    expect((await repo.scan()).sources.find((x) => x.id === 'legacy')!.owners).toEqual([{ iamid: 'bim', userid: 'jdoe' }, { iamid: 'bim', userid: 'smwilliams' }]);
    expect((await new CatalogRepository(s.db, s.audit, 'okta').getSource('legacy'))!.owners[0]).toEqual({ iamid: 'okta', userid: 'jdoe' });
  });
});
