import type * as z from 'zod';
import { groupNameSchema, idSchema } from '#shared/model/identity.ts';
import { isDefinedAttribute } from './attributes.ts';
import { canonicalResource } from './canonical.ts';
import { excerpt, InvalidSyntaxError, InvalidValueError } from './errors.ts';
import { requireOnePrimary } from './multi-valued.ts';
import { getIgnoringCase, isObject, type ScimResource } from './path.ts';
import { CORE_GROUP, CORE_USER } from './schemas.ts';

/** Attributes a client may send but never sets: the server owns them, or never keeps them. */
const SERVER_OWNED = new Set(['id', 'meta', 'schemas', 'password', 'groups', 'members']);

/** Sets `schemas` to the core schema plus every extension object present, dropping empty ones. */
export function syncSchemas(resource: ScimResource, core: string): void {
  const extensions: string[] = [];
  for (const [key, value] of Object.entries(resource)) {
    if (!/^urn:/i.test(key)) continue;
    if (isObject(value) && Object.keys(value).length > 0) extensions.push(key);
    else delete resource[key];
  }
  resource.schemas = [core, ...extensions];
}

/**
 * The client-settable attributes of `body`, canonically named (`stored`, the current version,
 * keeps the spelling of unknown names), booleans coerced.
 */
function settable(body: Record<string, unknown>, stored: ScimResource | undefined): ScimResource {
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(canonicalResource(body, stored, 'strict'))) {
    if (value === null || value === undefined || SERVER_OWNED.has(key.toLowerCase())) continue;
    if (/^urn:/i.test(key)) {
      if (!isObject(value)) throw new InvalidValueError(`extension \`${key}\` must be an object`);
      out[key] = value;
    } else if (isDefinedAttribute({ attr: key })) out[key] = value;
    // Unknown core attributes are ignored, not errors: Okta PUTs back whatever it read.
  }
  requireOnePrimary(out);
  return out;
}

function requireObject(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new InvalidSyntaxError('the body must be a JSON object');
  return body;
}

/**
 * Refuses (400 `invalidValue`) a name the rest of the API could not address: a userName is the
 * userid of `/v1/users/{iamid}/{userid}`, a displayName the name of `/v1/groups/{iamid}/{name}`.
 */
function requireAddressable(attribute: string, value: string, schema: z.ZodType<string>, rule: string): void {
  if (!schema.safeParse(value).success) throw new InvalidValueError(`\`${attribute}\` \`${excerpt(value)}\` is not addressable by Warden's API: ${rule}`);
}

/**
 * Normalises a POST/PUT User body (or a patched User): requires `userName`, drops `password` and
 * server-owned attributes; `stored` is the current version, if any.
 */
export function normaliseUser(body: unknown, stored?: ScimResource): ScimResource {
  const user = settable(requireObject(body), stored);
  if (typeof user.userName !== 'string' || user.userName.trim() === '') throw new InvalidValueError('`userName` is required');
  requireAddressable('userName', user.userName, idSchema, 'it must be at most 256 printable characters, without `#`');
  syncSchemas(user, CORE_USER);
  return user;
}

/** Normalises a POST/PUT Group body (or a patched Group) into the group (without members) and its member ids. */
export function normaliseGroup(body: unknown, stored?: ScimResource): { resource: ScimResource; members: string[] } {
  const obj = requireObject(body);
  const group = settable(obj, stored);
  if (typeof group.displayName !== 'string' || group.displayName.trim() === '') throw new InvalidValueError('`displayName` is required');
  requireAddressable('displayName', group.displayName, groupNameSchema, 'it must be at most 256 printable characters');
  syncSchemas(group, CORE_GROUP);
  return { resource: group, members: memberIds(getIgnoringCase(obj, 'members') ?? []) };
}

/** The ids in a `members` value (`[{"value":"id"}]`, or one such object); InvalidValueError otherwise. */
export function memberIds(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.map((m) => {
    const id = getIgnoringCase(m, 'value');
    if (typeof id !== 'string' || id === '') throw new InvalidValueError(`member \`${JSON.stringify(m)}\` has no string \`value\``);
    return id;
  });
}
