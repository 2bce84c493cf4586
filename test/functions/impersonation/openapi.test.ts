import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';

describe('impersonation in the OpenAPI document', () => {
  it('documents every impersonation route, the JWKS as public', () => {
    const doc = openApiDocument({ version: '0.0.0', issuer: 'http://x' }) as { paths: Record<string, Record<string, { security?: unknown[]; 'x-warden-permission'?: string }>> };
    expect(Object.keys(doc.paths['/v1/settings/impersonation']!).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/v1/settings/impersonation']!.put!['x-warden-permission']).toBe('USER_ADMIN');
    expect(Object.keys(doc.paths['/v1/impersonation/sessions/{sessionId}']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/v1/impersonation/sessions']!).sort()).toEqual(['delete', 'get']);
    expect(doc.paths['/.well-known/jwks.json']!.get!.security).toEqual([]);
  });

  it('states the one impersonation rule where tokens are minted', () => {
    const doc = openApiDocument({ version: '0.0.0', issuer: 'http://x' }) as { paths: Record<string, Record<string, { description?: string }>> };
    const text = doc.paths['/v1/impersonation/sessions/{sessionId}']!.put!.description!;
    for (const part of ['a user needs the permission `IMPERSONATE_USER`', '`WARDEN_REQUIRE_ALLOW_LIST=true`', 'a service principal needs a place in', 'the bootstrap admin key never impersonates']) {
      expect(text).toContain(part);
    }
  });
});
