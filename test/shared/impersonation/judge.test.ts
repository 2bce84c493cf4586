import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { judge, type RevocationRules } from '#shared/impersonation/revocation.ts';
import type { SessionRecord } from '#shared/model/impersonation.ts';
import type { TokenState as Found } from '#shared/store/token-state.ts';
import { settingsFromEnv } from '#shared/impersonation/settings.ts';
import { buildClaims, minterOf, type Minter, type VerifiedClaims } from '#shared/impersonation/tokens.ts';
import type { Principal } from '#shared/model/identity.ts';
import type { UserRecord } from '#shared/store/user-record.ts';

const profile = (iamid: string, userid: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  iamid,
  userid,
  displayName: userid,
  active: true,
  permissions: [],
  version: 1,
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: '2025-01-01T00:00:00.000Z',
  uid: `uid-${userid}`,
  stamp: `stamp-${userid}`,
  ...extra,
});

/** A token and exactly the state that makes it valid, for a service or a user impersonator. */
function world(impersonator: Principal) {
  const target = profile('okta', 'jdoe');
  const holder = impersonator.type === 'user' ? profile(impersonator.iamid, impersonator.id, { permissions: ['IMPERSONATE_USER'] }) : undefined;
  const minter: Minter = { principal: impersonator, keyId: 'k1', ...(holder ? { identity: { uid: holder.uid!, stamp: holder.stamp! } } : {}) };
  const claims = buildClaims({ issuer: 'x', user: { iamid: 'okta', userid: 'jdoe', uid: target.uid!, stamp: target.stamp! }, minter, sessionId: 's1', gen: 'g1', jti: 'j1', issuedAt: 1, expiresAt: 2 }) as VerifiedClaims;
  const session: SessionRecord = {
    sessionId: 's1',
    user: { iamid: 'okta', userid: 'jdoe' },
    impersonator,
    ...(holder ? { impersonatorUid: holder.uid } : {}),
    keyId: 'k1',
    gen: 'g1',
    version: 1,
    createdAt: 'x',
    updatedAt: 'x',
    expiresAt: 2,
    lastJti: 'j1',
  };
  const rules: RevocationRules = { defaults: { ...settingsFromEnv({}), allowedImpersonators: [{ type: 'service', id: 'bi-tool' }] }, requireAllowList: false };
  const found: Found = { session, target, impersonator: holder, keyRef: { principal: impersonator } };
  return { claims, minter: minterOf(claims.act)!, found, rules };
}

/** Changes one part of what was found, when that part is there at all. */
const edit =
  <K extends keyof Found>(k: K, change: (v: NonNullable<Found[K]>) => Found[K]) =>
  (f: Found): Found =>
    f[k] ? { ...f, [k]: change(f[k]!) } : f;

/** Each breaks one thing a token rests on. */
const BREAKS: Record<string, (f: Found) => Found> = {
  'no session': (f) => ({ ...f, session: undefined }),
  'ended at this generation': (f) => ({ ...f, ended: { gen: 'g1', revokedAt: 'x', expiresAt: 2 } }),
  'another generation': edit('session', (v) => ({ ...v, gen: 'g2' })),
  'another user': edit('session', (v) => ({ ...v, user: { iamid: 'okta', userid: 'ann' } })),
  'another impersonator': edit('session', (v) => ({ ...v, impersonator: { type: 'service', id: 'other' } })),
  'no target': (f) => ({ ...f, target: undefined }),
  'target recreated': edit('target', (v) => ({ ...v, uid: 'uid-other' })),
  'target inactive': edit('target', (v) => ({ ...v, active: false })),
  'target stamped': edit('target', (v) => ({ ...v, stamp: 'stamp-new' })),
  'no key': (f) => ({ ...f, keyRef: undefined }),
  'key of another principal': (f) => ({ ...f, keyRef: { principal: { type: 'service', id: 'other' } } }),
  'nobody listed': (f) => ({ ...f, settings: { ...settingsFromEnv({}), allowedImpersonators: [] } }),
};
const USER_BREAKS: Record<string, (f: Found) => Found> = {
  'no impersonator profile': (f) => ({ ...f, impersonator: undefined }),
  'impersonator recreated': edit('impersonator', (v) => ({ ...v, uid: 'uid-other' })),
  'impersonator inactive': edit('impersonator', (v) => ({ ...v, active: false })),
  'impersonator stamped': edit('impersonator', (v) => ({ ...v, stamp: 'stamp-new' })),
  'permission gone': edit('impersonator', (v) => ({ ...v, permissions: ['QUERY_ENGINE'] })),
};

describe('the revocation verdict', () => {
  it.each([
    ['a service', { type: 'service', id: 'bi-tool' } as Principal, BREAKS],
    ['a user', { type: 'user', iamid: 'bim', id: 'edixon' } as Principal, { ...BREAKS, ...USER_BREAKS, 'nobody listed': (f: Found) => f }],
  ])('accepts a token of %s only when every thing it rests on stands: breaking any is a refusal', (_name, impersonator, breaks) => {
    const w = world(impersonator);
    expect(judge(w.claims, w.minter, w.found, w.rules)).toEqual({ valid: true });
    const names = Object.keys(breaks).filter((n) => breaks[n]!(w.found) !== w.found);
    fc.assert(
      fc.property(fc.subarray(names, { minLength: 1 }), (chosen) => {
        const found = chosen.reduce((f, n) => breaks[n]!(f), w.found);
        expect(judge(w.claims, w.minter, found, w.rules).valid).toBe(false);
      }),
    );
  });

  it('accepts nothing on an empty read', () => {
    const w = world({ type: 'service', id: 'bi-tool' });
    expect(judge(w.claims, w.minter, {}, w.rules)).toEqual({ valid: false, reason: 'unknown session' });
  });
});
