import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '#shared/services.ts';
import { IamRepository } from '#shared/store/iams.ts';
import { identityKeys } from '#shared/store/key-formats.ts';
import { testServices } from '../../support/services.ts';

let s: Services;
const sent: string[] = [];

beforeAll(async () => {
  s = await testServices();
  s.db.doc.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCommandsForTest' },
  );
});

describe('the listing of IAMs', () => {
  it('lists IAMs stored before their entries existed once, then every IAM without scanning the users', async () => {
    const now = '2026-01-01T00:00:00.000Z';
    await s.db.doc.send(new PutCommand({ TableName: s.db.tables.identities, Item: { pk: identityKeys.iam('zeta'), sk: identityKeys.profile, id: 'zeta', name: 'Zeta (legacy)', scim: { enabled: false }, version: 1, createdAt: now, updatedAt: now } }));
    const first = new IamRepository(s.db, s.audit);
    await first.create({ id: 'alpha', name: 'Alpha', scim: { enabled: false } });
    await first.put({ id: 'mid', name: 'Mid', scim: { enabled: false } });
    await s.users.create({ iamid: 'alpha', userid: 'someone', displayName: 'Someone' });
    sent.length = 0;
    expect((await first.list()).map((i) => [i.id, i.name])).toEqual([['alpha', 'Alpha'], ['mid', 'Mid'], ['zeta', 'Zeta (legacy)']]);
    expect(sent.filter((c) => c === 'ScanCommand')).toHaveLength(1);
    for (const repo of [first, new IamRepository(s.db, s.audit)]) {
      sent.length = 0;
      expect((await repo.list()).map((i) => i.id)).toEqual(['alpha', 'mid', 'zeta']);
      expect(sent).not.toContain('ScanCommand');
    }
  });
});
