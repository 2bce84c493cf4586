import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#shared/http/openapi.ts';

describe('impersonation in the OpenAPI document', () => {
  it('documents every impersonation route, the JWKS as public', () => {
    const doc = openApiDocument({ version: '0.0.0', issuer: 'http://x' }) as { paths: Record<string, Record<string, { security?: unknown[]; 'x-warden-permission'?: string }>> };
    expect(Object.keys(doc.paths['/v1/settings/impersonation']!).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/v1/settings/impersonation']!.put!['x-warden-permission']).toBe('USER_ADMIN');
    expect(Object.keys(doc.paths['/v1/impersonation/sessions/{sessionId}']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(doc.paths['/.well-known/jwks.json']!.get!.security).toEqual([]);
  });
});
