import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditId, bareId, completeRecord, userAuditId } from '#shared/audit/record.ts';
import { runInRequest } from '#shared/audit/request-scope.ts';

const iamid = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
/** Ids as the API accepts them: printable, no `#`, and free to hold `/` and `:`. */
const id = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => /^[^#\u0000-\u001f]+$/.test(s));

describe('audit ids', () => {
  it('qualify every kind of actor, and give back the bare id a query matches', () => {
    fc.assert(
      fc.property(iamid, id, (iam, userid) => {
        expect(userAuditId({ iamid: iam, userid })).toBe(`${iam}/${userid}`);
        expect(bareId(userAuditId({ iamid: iam, userid }))).toBe(userid);
        expect(bareId(auditId({ type: 'user', iamid: iam, id: userid }))).toBe(userid);
        for (const type of ['service', 'iam', 'bootstrap'] as const) {
          expect(auditId({ type, id: userid })).toBe(`${type}:${userid}`);
          expect(bareId(auditId({ type, id: userid }))).toBe(userid);
        }
      }),
    );
    expect(auditId({ type: 'anonymous', id: 'anonymous' })).toBe('anonymous');
  });

  it("fills in the request's ids, inside a request only", () => {
    const input = { actor: { type: 'service' as const, id: 'x' }, action: 'A', actionStatus: 'SUCCESS' as const, targetType: 't', targets: [], payload: {} };
    expect(completeRecord(input)).not.toHaveProperty('requestId');
    const inside = runInRequest({ requestId: 'ours', clientRequestId: 'theirs' }, () => completeRecord(input));
    expect(inside).toMatchObject({ userId: 'service:x', requestId: 'ours', clientRequestId: 'theirs' });
  });
});
