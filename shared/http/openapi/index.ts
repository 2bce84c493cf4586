import { IMPERSONATION_OPERATIONS } from './impersonation.ts';
import { FOUNDATION_OPERATIONS, type Operation } from './operations.ts';
import { POLICY_OPERATIONS } from './policy.ts';
import { USERINFO_OPERATIONS } from './userinfo.ts';

/** Every non-SCIM operation of the API, one list per area. */
export const OPERATIONS: readonly Operation[] = [...FOUNDATION_OPERATIONS, ...POLICY_OPERATIONS, ...USERINFO_OPERATIONS, ...IMPERSONATION_OPERATIONS];
