import { describe, expect, it } from 'vitest';
import { normaliseGroup, normaliseUser } from '#functions/scim/rfc/normalise.ts';

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
