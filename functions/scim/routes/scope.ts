import type { Context } from 'hono';
import type { IamRecord } from '#shared/store/iams.ts';
import type { ChangeContext } from '../services/audit.ts';
import type { ScimEnv } from './auth.ts';
import { baseUrl } from './respond.ts';

/** A request's view of the IAM it acts for. */
export interface Scope extends ChangeContext {
  readonly iam: IamRecord;
  readonly baseUrl: string;
}

/** The IAM, base URL and request id a SCIM handler acts with. */
export function scopeOf(c: Context<ScimEnv>): Scope {
  const iam = c.get('iam');
  return { iam, iamid: iam.id, baseUrl: baseUrl(c), requestId: c.get('requestId') };
}
