import { expect } from 'vitest';
import { createScimApp } from '#functions/scim/app.ts';
import type { DecidingServices } from '#shared/services.ts';
import { localServices } from '../../support/services.ts';

export const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const BASE = 'https://warden.example/scim/v2';

/** A parsed SCIM response. */
export interface ScimReply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, any>; // any: JSON under test, asserted field by field
}

/** The scim app on fresh tables, with a client holding the okta IAM's SCIM token. */
export async function scimSetup(): Promise<{ services: DecidingServices; token: string; call: Caller }> {
  const { services, scimToken } = await localServices();
  const app = createScimApp(services);
  return { services, token: scimToken, call: caller(app, scimToken) };
}

export type Caller = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<ScimReply>;

/** Sends SCIM requests the way an IdP does (`application/scim+json`, bearer token); strings are sent raw. */
export function caller(app: ReturnType<typeof createScimApp>, token: string): Caller {
  return async (method, path, body, headers = {}) => {
    const res = await app.request(`${BASE}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (text) expect(res.headers.get('content-type')).toBe('application/scim+json');
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {} };
  };
}

/** Asserts an RFC 7644 §3.12 error body with `status` as a string. */
export function expectScimError(reply: ScimReply, status: number, scimType?: string): void {
  expect(reply.status).toBe(status);
  expect(reply.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  expect(reply.body.status).toBe(String(status));
  expect(typeof reply.body.detail).toBe('string');
  if (scimType) expect(reply.body.scimType).toBe(scimType);
}

/** A minimal Okta-style user body. */
export function oktaUser(userName: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemas: [USER],
    userName,
    name: { givenName: 'Test', familyName: 'User' },
    emails: [{ primary: true, value: userName, type: 'work' }],
    displayName: 'Test User',
    active: true,
    password: 'S3cret!pass',
    ...extra,
  };
}

/** The URL-encoded query for a filter. */
export const q = (filter: string, extra = ''): string => `?filter=${encodeURIComponent(filter)}${extra}`;
