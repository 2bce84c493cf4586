import { describe, expect, it } from 'vitest';
import { extensionAttributes, normaliseGroup, normaliseUser } from '#functions/scim/rfc/normalise.ts';
import { attributeProjection } from '#functions/scim/rfc/projection.ts';
import { ScimError, scimErrorBody, InvalidFilterError } from '#functions/scim/rfc/errors.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

describe('normaliseUser', () => {
  it('coerces active, drops password and server-owned attributes, keeps extensions', () => {
    const u = normaliseUser({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'client-chosen',
      UserName: 'bob@example.com',
      active: 'True',
      password: 'pw',
      favouriteColour: 'blue',
      meta: { version: 'x' },
      emails: [{ value: 'b@x', primary: 'false' }],
      [ENT.toLowerCase()]: { department: 'Ops' },
      [CUSTOM]: { badge: '7' },
    });
    expect(u).toEqual({
      userName: 'bob@example.com',
      active: true,
      emails: [{ value: 'b@x', primary: false }],
      [ENT]: { department: 'Ops' },
      [CUSTOM]: { badge: '7' },
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, CUSTOM],
    });
  });

  it.each([[{}], [{ userName: '' }], [{ userName: 5 }]])('requires userName: %j', (body) => {
    expect(() => normaliseUser(body)).toThrow(expect.objectContaining({ status: 400, scimType: 'invalidValue' }));
  });

  it('rejects a body that is not an object', () => {
    expect(() => normaliseUser([])).toThrow(expect.objectContaining({ scimType: 'invalidSyntax' }));
  });
});

describe('normaliseGroup', () => {
  it('splits members from the group', () => {
    expect(normaliseGroup({ displayName: 'Finance', members: [{ value: 'u1', display: 'A' }] })).toEqual({
      resource: { displayName: 'Finance', schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'] },
      members: ['u1'],
    });
    expect(() => normaliseGroup({ members: [] })).toThrow(expect.objectContaining({ scimType: 'invalidValue' }));
  });
});

describe('extensionAttributes', () => {
  const user = {
    userName: 'a',
    title: 'CFO',
    [ENT]: { department: 'Finance', costCenter: 'CC1', manager: { value: 'u-boss', displayName: 'Boss' } },
    [CUSTOM]: { clearance: ['secret', 'internal'], level: 3 },
    'urn:example:other:2.0:Group': { ignored: 'x' },
  };

  it('maps every extension attribute by name by default', () => {
    expect(extensionAttributes(user)).toEqual({
      department: ['Finance'],
      costCenter: ['CC1'],
      manager: ['u-boss'],
      clearance: ['secret', 'internal'],
      level: ['3'],
    });
  });

  it('maps only the configured paths under their new names', () => {
    expect(
      extensionAttributes(user, [
        { from: `${ENT}:department`, to: 'Department' },
        { from: `${ENT}:manager.value`, to: 'Manager' },
        { from: 'title', to: 'Titles' },
        { from: `${CUSTOM}:missing`, to: 'Missing' },
      ]),
    ).toEqual({ Department: ['Finance'], Manager: ['u-boss'], Titles: ['CFO'] });
  });
});

describe('attributeProjection', () => {
  const group = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'g1',
    displayName: 'Finance',
    members: [{ value: 'u1', display: 'A' }],
    meta: { resourceType: 'Group' },
  };

  it('excludedAttributes=members (Entra) drops members only', () => {
    const { members: _members, ...rest } = group;
    expect(attributeProjection(group, { excludedAttributes: 'Members' })).toEqual(rest);
  });

  it('never excludes id or schemas', () => {
    expect(attributeProjection(group, { excludedAttributes: 'id,schemas,displayName' })).toEqual({ schemas: group.schemas, id: 'g1', members: group.members, meta: group.meta });
  });

  it('attributes= keeps only those, plus id and schemas, sub-attributes included', () => {
    expect(attributeProjection(group, { attributes: 'displayname, members.value' })).toEqual({
      id: 'g1',
      schemas: group.schemas,
      displayName: 'Finance',
      members: [{ value: 'u1' }],
    });
  });

  it('projects extension attributes by full URN', () => {
    const user = { id: 'u', schemas: [], userName: 'a', [ENT]: { department: 'F', costCenter: 'C' } };
    expect(attributeProjection(user, { attributes: `${ENT}:department` })).toEqual({ id: 'u', schemas: [], [ENT]: { department: 'F' } });
    expect(attributeProjection(user, { excludedAttributes: ENT })).toEqual({ id: 'u', schemas: [], userName: 'a' });
  });
});

describe('scimErrorBody', () => {
  it('renders status as a string and omits a missing scimType', () => {
    expect(scimErrorBody(new InvalidFilterError('bad'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'bad',
    });
    expect(scimErrorBody(new ScimError(404, 'user `x` not found'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'user `x` not found',
    });
  });
});
