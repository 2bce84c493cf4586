import { describe, expect, it } from 'vitest';
import { resourceTypesList, schemasList, serviceProviderConfig, schemaDocument } from '#functions/scim/rfc/discovery.ts';

const BASE = 'https://warden.example/scim/v2';

function hasNull(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v === 'object') return Object.values(v as object).some(hasNull);
  return false;
}

function keys(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(keys);
  if (typeof v !== 'object' || v === null) return [];
  return Object.entries(v).flatMap(([k, x]) => [k, ...keys(x)]);
}

describe('discovery documents', () => {
  it('advertises what Warden supports', () => {
    const spc = serviceProviderConfig(BASE);
    expect(spc).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false, maxOperations: 0 },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
    });
    expect(spc.authenticationSchemes).toEqual([expect.objectContaining({ type: 'oauthbearertoken', name: expect.any(String), description: expect.any(String) })]);
  });

  it('lists User and Group resource types with the enterprise extension', () => {
    const list = resourceTypesList(BASE) as { totalResults: number; Resources: Array<Record<string, unknown>> };
    expect(list.totalResults).toBe(2);
    expect(list.Resources.map((r) => [r.name, r.endpoint])).toEqual([['User', '/Users'], ['Group', '/Groups']]);
    expect(list.Resources[0]?.schemaExtensions).toEqual([{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }]);
  });

  it('lists the schemas as a ListResponse, camelCase and without nulls', () => {
    const list = schemasList(BASE) as { schemas: string[]; totalResults: number; Resources: Array<Record<string, unknown>> };
    expect(list.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
    expect(list.Resources.map((s) => s.id)).toEqual([
      'urn:ietf:params:scim:schemas:core:2.0:User',
      'urn:ietf:params:scim:schemas:core:2.0:Group',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
    ]);
    expect(list.Resources[0]?.description).toBe('User Account');
    expect(hasNull(list)).toBe(false);
    expect(keys(list.Resources).filter((k) => !/^\$?[a-z][A-Za-z0-9]*$/.test(k))).toEqual([]);
    expect(schemaDocument('urn:nope', BASE)).toBeUndefined();
  });
});
