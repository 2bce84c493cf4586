import type { Context } from 'hono';
import type { Scope } from '../services/scope.ts';
import type { ScimEnv } from './auth.ts';
import { baseUrl } from './respond.ts';

/** The IAM, base URL and request id a SCIM handler acts with. */
export function scopeOf(c: Context<ScimEnv>): Scope {
  const iam = c.get('iam');
  return { iam, iamid: iam.id, baseUrl: baseUrl(c), requestId: c.get('requestId') };
}
