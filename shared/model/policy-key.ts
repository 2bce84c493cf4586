import * as z from 'zod';

/** Policy keys appear in URLs, audit records and a data source's `disabledPolicies`. */
export const policyKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` and `-` only');
