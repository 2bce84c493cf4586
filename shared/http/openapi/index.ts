import { FOUNDATION_OPERATIONS, type Operation } from './operations.ts';

/** Every non-SCIM operation of the API, one list per area. */
export const OPERATIONS: readonly Operation[] = [...FOUNDATION_OPERATIONS];
