import * as z from 'zod';
import { isReservedKey } from './dict.ts';

/** The five permissions of the contract. */
export const PERMISSIONS = ['USER_ADMIN', 'GOVERNANCE', 'IMPERSONATE_USER', 'AUDIT', 'QUERY_ENGINE'] as const;
export type Permission = (typeof PERMISSIONS)[number];
export const permissionSchema = z.enum(PERMISSIONS);

/**
 * The id of the built-in identity provider (the local runtime creates it): the default of
 * `WARDEN_DEFAULT_IAM`, the setting that names the IAM of a user given without one.
 */
export const BUILT_IN_IAM = 'bim';

/** Where an attribute value or group membership came from. */
export const SOURCES = ['scim', 'manual', 'external'] as const;
export type Source = (typeof SOURCES)[number];

/** Identifiers that end up in keys: printable, no `#` (the key separator), bounded. */
export const idSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^#\u0000-\u001f]+$/, 'must be printable and must not contain `#`');

/** Group names: printable text, bounded (they key a lookup item; every route can address them). */
export const groupNameSchema = z.string().min(1).max(256).regex(/^[^\u0000-\u001f]+$/, 'must be printable');

/** Attribute keys: as group names, and never a reserved name (they become keys of JSON objects). */
export const attributeKeySchema = groupNameSchema.refine((key) => !isReservedKey(key), { error: (issue) => `\`${String(issue.input)}\` is a reserved name` });

/**
 * `schema` (a record keyed by attribute keys) refusing a reserved key by name: zod's records skip
 * `__proto__` silently, which would drop it from the answer without a word.
 */
export function withoutReservedKeys<S extends z.ZodType>(schema: S) {
  return z.preprocess((input, ctx) => {
    if (typeof input !== 'object' || input === null) return input;
    for (const key of Object.keys(input)) {
      if (isReservedKey(key)) ctx.addIssue({ code: 'custom', message: `\`${key}\` is a reserved name`, path: [key], input });
    }
    return input;
  }, schema);
}

export const iamIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, `.`, `_` and `-` only');

export interface UserRef {
  readonly iamid: string;
  readonly userid: string;
}

export const userRefSchema = z.strictObject({
  userid: idSchema,
  iamid: iamIdSchema.optional(),
});

/** Attribute key → values, as read (merged) or as stored for one source. */
export type Attributes = Record<string, string[]>;

/**
 * Everything the policy engine needs to know about a user: the merged view of every
 * source, with group attributes already applied.
 */
export interface Subject {
  readonly iamid: string;
  readonly userid: string;
  readonly active: boolean;
  readonly groups: ReadonlySet<string>;
  readonly attributes: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A principal calling the API. */
export type Principal =
  | { readonly type: 'user'; readonly iamid: string; readonly id: string }
  | { readonly type: 'service'; readonly id: string };

/** Stable text form of a principal: `service:bi-tool`, `user:okta/jdoe`. */
export function principalLabel(p: Principal): string {
  return p.type === 'user' ? `user:${p.iamid}/${p.id}` : `service:${p.id}`;
}

/** `iamid/userid` as a user reference (the IAM id never holds a `/`, the userid may); undefined when malformed. */
export function parseUserRef(text: string): UserRef | undefined {
  const slash = text.indexOf('/');
  const ref = { iamid: text.slice(0, slash), userid: text.slice(slash + 1) };
  return slash > 0 && iamIdSchema.safeParse(ref.iamid).success && idSchema.safeParse(ref.userid).success ? ref : undefined;
}

/** A principal's label as `principalLabel` writes it (`service:bi-tool`, `user:okta/edixon`); undefined when malformed. */
export function parseLabel(text: string): Principal | undefined {
  if (text.startsWith('service:')) {
    const id = text.slice('service:'.length);
    return idSchema.safeParse(id).success ? { type: 'service', id } : undefined;
  }
  const user = text.startsWith('user:') ? parseUserRef(text.slice('user:'.length)) : undefined;
  return user ? { type: 'user', iamid: user.iamid, id: user.userid } : undefined;
}
