/*
 * RFC 7643 §2.1: attribute names are case-insensitive, and a service provider returns the
 * schema's spelling. RFC 7643 §2.4 / RFC 7644 §3.5.2: at most one `primary` value per
 * multi-valued attribute, and setting one clears the others.
 */
import { describe, expect, it } from 'vitest';
import { applyPatch } from '#functions/scim/rfc/patch.ts';
import { normaliseUser } from '#functions/scim/rfc/normalise.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';
const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const body = (...Operations: unknown[]) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const patch = (resource: Record<string, unknown>, ...ops: unknown[]) => applyPatch(resource, body(...ops), 'User').resource;
const user = (extra: Record<string, unknown> = {}) => normaliseUser({ userName: 'ann@example.com', ...extra });

describe('canonical attribute names (RFC 7643 §2.1)', () => {
  it('stores sub-attributes and extension attributes in the schema spelling, whatever the client sent', () => {
    const u = user({
      Name: { GivenName: 'Ann', FAMILYNAME: 'Lee' },
      Emails: [{ Value: 'ann@example.com', Type: 'work', Primary: 'True' }],
      [ENT.toUpperCase()]: { Department: 'Ops', EMPLOYEENUMBER: '7', Manager: { Value: 'boss', DisplayName: 'Boss' } },
    });
    expect(u).toEqual({
      userName: 'ann@example.com',
      name: { givenName: 'Ann', familyName: 'Lee' },
      emails: [{ value: 'ann@example.com', type: 'work', primary: true }],
      [ENT]: { department: 'Ops', employeeNumber: '7', manager: { value: 'boss', displayName: 'Boss' } },
      schemas: [CORE, ENT],
    });
  });

  it('keeps the first spelling of an unknown attribute, and later writes in another case match it', () => {
    const first = user({ [CUSTOM]: { BadgeNumber: '1' }, name: { givenName: 'Ann', NickTag: 'a' } });
    const put = normaliseUser({ userName: 'ann@example.com', [CUSTOM]: { badgenumber: '2' }, name: { nicktag: 'b' } }, first);
    expect(put[CUSTOM]).toEqual({ BadgeNumber: '2' });
    expect(put.name).toEqual({ NickTag: 'b' });
    const patched = patch({ ...first, id: 'u1' }, { op: 'replace', path: `${CUSTOM}:BADGENUMBER`, value: '3' });
    expect(patched[CUSTOM]).toEqual({ BadgeNumber: '3' });
  });

  it.each([
    ['a sub-attribute path', { op: 'replace', path: 'name.GivenName', value: 'Bea' }],
    ['a complex value', { op: 'replace', path: 'name', value: { GivenName: 'Bea' } }],
    ['a path-less value', { op: 'replace', value: { name: { GIVENNAME: 'Bea' } } }],
    ['a dotted path-less key', { op: 'replace', value: { 'Name.GivenName': 'Bea' } }],
  ])('a PATCH through %s replaces the value instead of adding a second key', (_how, op) => {
    const r = patch({ ...user({ name: { givenName: 'Ann', familyName: 'Lee' } }), id: 'u1' }, op);
    expect(r.name).toEqual({ givenName: 'Bea', familyName: 'Lee' });
  });

  it('writes a canonical extension sub-attribute over the one a client sent in its own case before', () => {
    const legacy = { id: 'u1', userName: 'ann@example.com', name: { GivenName: 'Ann' }, [ENT]: { Manager: { Value: 'old' } } };
    const r = patch(legacy, { op: 'replace', path: `${ENT}:manager.value`, value: 'new' }, { op: 'add', path: 'name', value: { givenName: 'Bea' } });
    expect(r[ENT]).toEqual({ manager: { value: 'new' } });
    expect(r.name).toEqual({ givenName: 'Bea' });
  });

  it('refuses a body naming one attribute twice in different cases: 400 invalidValue', () => {
    expect(() => user({ name: { givenName: 'a', GivenName: 'b' } })).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    expect(() => user({ [ENT]: { department: 'a' }, [ENT.toLowerCase()]: { costCenter: 'b' } })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => patch({ ...user(), id: 'u1' }, { op: 'add', path: 'name', value: { familyName: 'a', FamilyName: 'b' } })).toThrow(
      expect.objectContaining({ scimType: 'invalidValue' }),
    );
  });
});

describe('one primary value (RFC 7643 §2.4, RFC 7644 §3.5.2)', () => {
  const emails = [
    { value: 'w@example.com', type: 'work', primary: true },
    { value: 'h@example.com', type: 'home' },
  ];

  it.each([
    ['the `primary` sub-attribute of a value path', { op: 'replace', path: 'emails[type eq "home"].primary', value: true }],
    ['a value path with an object value', { op: 'add', path: 'emails[type eq "home"]', value: { primary: 'True' } }],
    ['a path-less value path key', { op: 'replace', value: { 'emails[type eq "home"].primary': true } }],
  ])('setting it through %s clears the other primary', (_how, op) => {
    const r = patch({ ...user({ emails }), id: 'u1' }, op);
    expect(r.emails).toEqual([
      { value: 'w@example.com', type: 'work', primary: false },
      { value: 'h@example.com', type: 'home', primary: true },
    ]);
  });

  it('refuses two primary values in one attribute of a POST or PUT body: 400 invalidValue', () => {
    const two = [
      { value: 'a@example.com', primary: true },
      { value: 'b@example.com', primary: 'True' },
    ];
    expect(() => user({ emails: two })).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
    expect(() => user({ [CUSTOM]: { badges: [{ value: '1', primary: true }, { value: '2', primary: true }] } })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(user({ emails: [{ value: 'a@example.com', primary: true }], phoneNumbers: [{ value: '1', primary: true }] }).emails).toHaveLength(1);
  });

  it('refuses a PATCH that would leave two primaries: 400 invalidValue', () => {
    const two = [
      { value: 'a@example.com', primary: true },
      { value: 'b@example.com', primary: true },
    ];
    const current = { ...user({ emails }), id: 'u1' };
    expect(() => normaliseUser(patch(current, { op: 'replace', path: 'emails', value: two }))).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
    expect(() => normaliseUser(patch(current, { op: 'replace', path: 'emails[value pr].primary', value: true }))).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });
});
