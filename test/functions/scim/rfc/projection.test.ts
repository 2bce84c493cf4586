import { describe, expect, it } from 'vitest';
import { attributeProjection } from '#functions/scim/rfc/projection.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

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
