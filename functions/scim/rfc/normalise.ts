import type * as z from 'zod';
import { dictFrom } from '#shared/model/dict.ts';
import { groupNameSchema, idSchema } from '#shared/model/identity.ts';
import { isDefinedAttribute } from './attributes.ts';
import { canonicalResource } from './canonical.ts';
import { excerpt, InvalidSyntaxError, InvalidValueError } from './errors.ts';
import { getIgnoringCase, isCoreSchema, isObject, parseAttrPath, valuesAt, type ScimResource } from './path.ts';
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

/** RFC 7643 §2.4: a multi-valued attribute has at most one value whose `primary` is true. */
function requireOnePrimary(resource: ScimResource): void {
  const holders = [resource, ...Object.entries(resource).filter(([k, v]) => /^urn:/i.test(k) && isObject(v)).map(([, v]) => v as Record<string, unknown>)];
  for (const holder of holders) {
    for (const [name, value] of Object.entries(holder)) {
      const primaries = Array.isArray(value) ? value.filter((e) => getIgnoringCase(e, 'primary') === true).length : 0;
      if (primaries > 1) throw new InvalidValueError(`\`${name}\` has ${primaries} primary values; at most one may be primary`);
    }
  }
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

/** Maps one SCIM attribute to one Warden attribute. `from` is an attribute path, usually a full URN. */
export interface AttributeMapping {
  readonly from: string;
  readonly to: string;
}

/** Strings of a SCIM value: scalars as text, complex values (manager) by their `value`. */
function strings(values: unknown[]): string[] {
  return values
    .map((v) => (isObject(v) ? getIgnoringCase(v, 'value') : v))
    .filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v))
    .map(String)
    .filter((s) => s !== '');
}

/**
 * The Warden attributes a User carries. Without mappings, every attribute of the enterprise
 * extension and of any other `urn:…:2.0:User` extension, under its own name; with mappings,
 * only the mapped paths, under their `to` names (values of mappings sharing a `to` merged).
 */
export function extensionAttributes(resource: ScimResource, mappings?: readonly AttributeMapping[]): Record<string, string[]> {
  const out = new Map<string, Set<string>>();
  const put = (name: string, values: string[]): void => {
    if (values.length === 0) return;
    const set = out.get(name) ?? new Set<string>();
    for (const v of values) set.add(v);
    out.set(name, set);
  };
  if (mappings) {
    for (const m of mappings) {
      const path = parseAttrPath(m.from);
      if (path) put(m.to, strings(valuesAt(resource, path)));
    }
  } else {
    for (const [key, ext] of Object.entries(resource)) {
      if (!/^urn:.*:2\.0:User$/i.test(key) || isCoreSchema(key) || !isObject(ext)) continue;
      for (const [name, value] of Object.entries(ext)) put(name, strings(Array.isArray(value) ? value : [value]));
    }
  }
  return dictFrom([...out].map(([k, v]) => [k, [...v]] as const));
}
