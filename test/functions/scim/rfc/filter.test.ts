import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '#functions/scim/rfc/errors.ts';
import { parseFilter } from '#functions/scim/rfc/filter.ts';
import { matchesFilter } from '#functions/scim/rfc/match.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const alice = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'u-Alice',
  externalId: 'ExT-1',
  userName: 'Alice@Example.com',
  displayName: 'Alice Liddell',
  active: true,
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [
    { value: 'alice@work.example', type: 'work', primary: true },
    { value: 'alice@home.example', type: 'home' },
  ],
  [ENT]: { department: 'Finance', employeeNumber: '42', manager: { value: 'u-bob' } },
  meta: { resourceType: 'User', created: '2024-03-01T10:00:00Z', lastModified: '2024-06-01T10:00:00.000Z' },
};

const m = (f: string, r: Record<string, unknown> = alice): boolean => matchesFilter(parseFilter(f), r);

describe('filter evaluation', () => {
  it.each([
    ['userName eq "alice@example.com"', true],
    ['userName eq "ALICE@EXAMPLE.COM"', true],
    ['USERNAME EQ "alice@example.com"', true],
    ['DisplayName eq "alice liddell"', true],
    ['externalId eq "ext-1"', false],
    ['externalId eq "ExT-1"', true],
    ['id eq "u-alice"', false],
    ['id eq "u-Alice"', true],
    ['userName ne "alice@example.com"', false],
    ['userName sw "ali"', true],
    ['userName ew "@EXAMPLE.com"', true],
    ['displayName co "LIDD"', true],
    ['name.givenName eq "alice"', true],
    ['title pr', false],
    ['emails pr', true],
    ['active eq true', true],
    ['active eq false', false],
    ['active eq "True"', true],
    ['emails.value eq "alice@home.example"', true],
    ['emails[type eq "work"].value eq "alice@work.example"', true],
    ['emails[type eq "work"].value eq "alice@home.example"', false],
    ['emails[type eq "work" and value co "@work"]', true],
    ['emails[not (type eq "work")]', true],
    [`${ENT}:department eq "finance"`, true],
    [`${ENT}:manager.value eq "u-bob"`, true],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice@example.com"', true],
    ['meta.created gt "2024-01-01T00:00:00Z"', true],
    ['meta.created gt "2024-03-01T11:00:00+02:00"', true],
    ['meta.lastModified lt "2024-06-01T10:00:00Z"', false],
    ['meta.lastModified le "2024-06-01T10:00:00Z"', true],
    ['userName gt "a"', true],
    ['userName lt "B"', true],
    ['title eq null', true],
    ['userName ne null', true],
    ['userName eq "nobody" or displayName sw "alice"', true],
    ['userName eq "nobody" and displayName sw "alice"', false],
    ['not (userName eq "nobody")', true],
  ])('%s → %s', (filter, expected) => {
    expect(m(filter)).toBe(expected);
  });

  it('binds and tighter than or, and not tightest', () => {
    expect(m('userName eq "x" and active eq true or displayName pr')).toBe(true);
    expect(m('displayName pr or userName eq "x" and active eq false')).toBe(true);
    expect(m('(displayName pr or userName eq "x") and active eq false')).toBe(false);
    expect(m('not (active eq true) or userName eq "x"')).toBe(false);
    expect(m('active eq true and (userName eq "x" or name.familyName eq "LIDDELL")')).toBe(true);
  });

  it('matches group members by exact id', () => {
    const group = { id: 'g1', displayName: 'Finance', members: [{ value: 'u-1' }, { value: 'u-2' }] };
    expect(m('members[value eq "u-2"]', group)).toBe(true);
    expect(m('members[value eq "U-2"]', group)).toBe(false);
    expect(m('members eq "u-1"', group)).toBe(true);
  });
});

describe('malformed filters', () => {
  it.each([
    '',
    'userName',
    'userName eq',
    'userName eq alice',
    'userName xx "a"',
    'userName eq "a" and',
    '(userName eq "a"',
    'userName eq "a")',
    'emails[type eq "work"',
    'emails[type eq "a"[value eq "b"]]',
    'active gt true',
    'userName co 5',
    'userName eq "unterminated',
    'a.b.c eq "x"',
    'not userName eq "a"',
    '('.repeat(500) + 'a pr' + ')'.repeat(500),
  ])('`%s` → invalidFilter', (filter) => {
    expect(() => parseFilter(filter)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidFilter' }));
  });

  it('never fails with anything but a SCIM error', () => {
    const pieces = fc.constantFrom('userName', 'emails', '[', ']', '(', ')', ' ', '"', '\\', 'eq', 'and', 'or', 'not', 'pr', '.', ':', 'urn:x:2.0:User:a', '5', 'true', 'null', 'gt', '"x"');
    const input = fc.oneof(fc.string(), fc.array(pieces, { maxLength: 20 }).map((a) => a.join(' ')), fc.array(pieces, { maxLength: 20 }).map((a) => a.join('')));
    fc.assert(
      fc.property(input, (text) => {
        try {
          matchesFilter(parseFilter(text), alice);
        } catch (e) {
          if (!(e instanceof ScimError) || e.scimType !== 'invalidFilter') throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
