import type { Operation } from './operations.ts';
import { POLICY_OPERATIONS } from './policy.ts';
import { USERINFO_OPERATIONS } from './userinfo.ts';

/** The operations still written by hand (the bridge), one list per area. */
export const BRIDGED_OPERATIONS: readonly Operation[] = [...POLICY_OPERATIONS, ...USERINFO_OPERATIONS];
