import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '#functions/scim/rfc/errors.ts';
import { applyPatch } from '#functions/scim/rfc/patch.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const user = {
  schemas: [CORE],
  id: 'u1',
  userName: 'alice@example.com',
  active: true,
  name: { givenName: 'Alice', familyName: 'Liddell' },
  emails: [{ value: 'alice@work.example', type: 'work', primary: true }],
  meta: { resourceType: 'User', version: 'W/"1"' },
};
const group = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Finance', meta: { resourceType: 'Group' } };

const body = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const patchUser = (...ops: unknown[]) => applyPatch(user, body(...ops), 'User').resource;
const patchGroup = (...ops: unknown[]) => applyPatch(group, body(...ops), 'Group');

describe('user PATCH shapes', () => {
  it('Entra: Replace active with the string "False"', () => {
    expect(patchUser({ op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
  });

  it('Okta: path-less replace deactivates', () => {
    expect(patchUser({ op: 'replace', value: { active: false } }).active).toBe(false);
  });

  it('Entra: path-less Replace with dotted and full-URN keys', () => {
    const r = patchUser({
      op: 'Replace',
      value: { 'name.givenName': 'Alicia', [`${ENT}:department`]: 'Sales', displayName: 'Alicia L' },
    });
    expect(r.name).toEqual({ givenName: 'Alicia', familyName: 'Liddell' });
    expect(r[ENT]).toEqual({ department: 'Sales' });
    expect(r.displayName).toBe('Alicia L');
    expect(r.schemas).toEqual([CORE, ENT]);
  });

  it('merges a path-less enterprise extension object', () => {
    const first = patchUser({ op: 'add', path: `${ENT}:costCenter`, value: 'CC1' });
    const r = applyPatch(first, body({ op: 'replace', value: { [ENT]: { department: 'Ops' } } }), 'User').resource;
    expect(r[ENT]).toEqual({ costCenter: 'CC1', department: 'Ops' });
  });

  it('Entra: Add with a full-URN path, and manager sent as a bare id', () => {
    const r = patchUser(
      { op: 'Add', path: `${ENT}:employeeNumber`, value: '701984' },
      { op: 'Add', path: `${ENT}:manager`, value: 'u-boss' },
    );
    expect(r[ENT]).toEqual({ employeeNumber: '701984', manager: { value: 'u-boss' } });
  });

  it('removes an extension attribute and drops the emptied extension from schemas', () => {
    const withDept = patchUser({ op: 'add', path: `${ENT}:department`, value: 'X' });
    const r = applyPatch(withDept, body({ op: 'remove', path: `${ENT}:department` }), 'User').resource;
    expect(r[ENT]).toBeUndefined();
    expect(r.schemas).toEqual([CORE]);
  });

  it('Entra: value path on emails replaces the matching value', () => {
    const r = patchUser({ op: 'Replace', path: 'emails[type eq "work"].value', value: 'new@work.example' });
    expect(r.emails).toEqual([{ value: 'new@work.example', type: 'work', primary: true }]);
  });

  it('Entra: Add to a value path that matches nothing creates the element', () => {
    const r = patchUser({ op: 'Add', path: 'emails[type eq "home"].value', value: 'a@home.example' });
    expect(r.emails).toEqual([
      { value: 'alice@work.example', type: 'work', primary: true },
      { type: 'home', value: 'a@home.example' },
    ]);
  });

  it('removes matching elements of a value path', () => {
    expect(patchUser({ op: 'remove', path: 'emails[type eq "work"]' }).emails).toBeUndefined();
  });

  it('adds emails, demoting the old primary', () => {
    const r = patchUser({ op: 'add', path: 'emails', value: [{ value: 'b@x', type: 'other', primary: 'True' }] });
    expect(r.emails).toEqual([
      { value: 'alice@work.example', type: 'work', primary: false },
      { value: 'b@x', type: 'other', primary: true },
    ]);
  });

  it('accepts and drops password, ignores a matching id, echoes of meta and schemas', () => {
    const r = patchUser({ op: 'replace', value: { id: 'u1', password: 's3cret', meta: { version: 'x' }, schemas: [], title: 'CFO' } });
    expect(r).toEqual({ ...user, title: 'CFO' });
    expect(patchUser({ op: 'replace', path: 'password', value: 'x' })).not.toHaveProperty('password');
  });

  it('null unassigns', () => {
    expect(patchUser({ op: 'replace', path: 'name.givenName', value: null }).name).toEqual({ familyName: 'Liddell' });
  });

  it('is case-insensitive in op, path and attribute names, keeping canonical spelling', () => {
    const r = patchUser({ OP: 'REPLACE', PATH: 'NAME.GIVENNAME', VALUE: 'Al' }, { op: 'ADD', path: 'Title', value: 'Dr' });
    expect(r.name).toEqual({ givenName: 'Al', familyName: 'Liddell' });
    expect(r.title).toBe('Dr');
  });

  it('does not change the input resource', () => {
    patchUser({ op: 'replace', value: { active: false } });
    expect(user.active).toBe(true);
  });

  it.each([
    [{ op: 'replace', path: 'id', value: 'other' }, 'mutability'],
    [{ op: 'replace', value: { id: 'other' } }, 'mutability'],
    [{ op: 'replace', path: 'meta.version', value: 'x' }, 'mutability'],
    [{ op: 'remove', path: 'groups' }, 'mutability'],
    [{ op: 'remove' }, 'noTarget'],
    [{ op: 'remove', path: 'userName' }, 'invalidValue'],
    [{ op: 'replace', path: 'active', value: 'maybe' }, 'invalidValue'],
    [{ op: 'replace', value: 'active' }, 'invalidValue'],
    [{ op: 'move', path: 'title' }, 'invalidSyntax'],
    [{ op: 'replace', path: 'a..b', value: 1 }, 'invalidPath'],
    [{ op: 'replace', path: 'emails.value', value: 'x' }, 'invalidPath'],
    [{ op: 'replace', path: 'emails[type eq "home" or primary eq false].value', value: 'x' }, 'noTarget'],
    [{ op: 'replace', path: 'emails[type eq].value', value: 'x' }, 'invalidFilter'],
  ])('%j → %s', (op, scimType) => {
    expect(() => patchUser(op)).toThrow(expect.objectContaining({ status: 400, scimType }));
  });

  it('rejects a body without Operations', () => {
    expect(() => applyPatch(user, { Operations: [] }, 'User')).toThrow(expect.objectContaining({ scimType: 'invalidSyntax' }));
    expect(() => applyPatch(user, 'nope', 'User')).toThrow(expect.objectContaining({ scimType: 'invalidSyntax' }));
  });
});

describe('group PATCH: member deltas', () => {
  it('Entra: Add members with $ref null, Remove members with a value array', () => {
    expect(patchGroup({ op: 'Add', path: 'members', value: [{ $ref: null, value: 'u1' }, { value: 'u2' }] }).members).toEqual({ add: ['u1', 'u2'], remove: [] });
    expect(patchGroup({ op: 'Remove', path: 'members', value: [{ value: 'u1' }] }).members).toEqual({ add: [], remove: ['u1'] });
  });

  it('Okta: remove members[value eq …] then add members', () => {
    const r = patchGroup({ op: 'remove', path: 'members[value eq "u1"]' }, { op: 'add', path: 'members', value: [{ value: 'u3', display: 'c' }] });
    expect(r.members).toEqual({ add: ['u3'], remove: ['u1'] });
    expect(r.resource).not.toHaveProperty('members');
  });

  it('a later op wins over an earlier one on the same id', () => {
    expect(patchGroup({ op: 'add', path: 'members', value: [{ value: 'u1' }] }, { op: 'remove', path: 'members[value eq "u1"]' }).members).toEqual({ add: [], remove: ['u1'] });
  });

  it('replace members, and remove members without a value, replace the whole list', () => {
    expect(patchGroup({ op: 'replace', path: 'members', value: [{ value: 'u9' }] }, { op: 'add', path: 'members', value: [{ value: 'u8' }] }).members).toEqual({
      add: [],
      remove: [],
      replaceAll: ['u9', 'u8'],
    });
    expect(patchGroup({ op: 'remove', path: 'members' }).members).toEqual({ add: [], remove: [], replaceAll: [] });
  });

  it('Okta rename: path-less replace of id and displayName', () => {
    const r = patchGroup({ op: 'replace', value: { id: 'g1', displayName: 'Accounting' } });
    expect(r.resource.displayName).toBe('Accounting');
    expect(r.members).toEqual({ add: [], remove: [] });
    expect(() => patchGroup({ op: 'replace', value: { id: 'g2', displayName: 'x' } })).toThrow(expect.objectContaining({ scimType: 'mutability' }));
  });

  it('path-less members add and replace', () => {
    expect(patchGroup({ op: 'add', value: { members: [{ value: 'u1' }] } }).members).toEqual({ add: ['u1'], remove: [] });
    expect(patchGroup({ op: 'replace', value: { members: [] } }).members).toEqual({ add: [], remove: [], replaceAll: [] });
  });

  it.each([
    [{ op: 'add', path: 'members', value: [{ display: 'no id' }] }, 'invalidValue'],
    [{ op: 'remove', path: 'members[display eq "x"]' }, 'invalidFilter'],
    [{ op: 'replace', path: 'members[value eq "u1"].display', value: 'x' }, 'invalidPath'],
    [{ op: 'remove', path: 'displayName' }, 'invalidValue'],
  ])('%j → %s', (op, scimType) => {
    expect(() => patchGroup(op)).toThrow(expect.objectContaining({ scimType }));
  });
});

describe('robustness', () => {
  it('random operations never fail with anything but a SCIM error', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    const path = fc.oneof(fc.string(), fc.constantFrom('members', 'members[value eq "u1"]', 'emails[type eq "work"].value', 'name.givenName', `${ENT}:manager`, ENT, 'active', 'id', 'meta'));
    const op = fc.record({ op: fc.oneof(fc.constantFrom('add', 'Replace', 'REMOVE'), fc.string()), path: fc.option(path), value: json }, { requiredKeys: [] });
    const request = fc.oneof(json, fc.record({ Operations: fc.oneof(fc.array(op, { maxLength: 4 }), json) }));
    fc.assert(
      fc.property(request, fc.constantFrom('User' as const, 'Group' as const), (b, kind) => {
        try {
          applyPatch(kind === 'User' ? user : group, b, kind);
        } catch (e) {
          if (!(e instanceof ScimError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
