/*
 * Attribute names are case-insensitive (RFC 7643 §2.1), but a resource must hold each attribute
 * under one name, or a later write in another case adds a second key. Every value a client sends
 * is rewritten here before it is stored: names the schemas define take the schema's spelling,
 * other names the spelling already stored (the first one sent), and booleans are coerced (Entra
 * sends `"True"`).
 */
import { dict } from '#shared/model/dict.ts';
import { attributeInfo, isDefinedAttribute } from './attributes.ts';
import { InvalidValueError } from './errors.ts';
import { findKey, isCoreSchema, isObject, type AttrPath, type ScimResource } from './path.ts';
import { SCHEMAS } from './schemas.ts';
import { MAX_DEPTH } from './storable.ts';

/** What the keys of an object name: a resource's attributes, an extension's, an attribute's sub-attributes, or nothing a schema describes. */
type Level =
  | { readonly at: 'resource' }
  | { readonly at: 'extension'; readonly schema: string }
  | { readonly at: 'attribute'; readonly path: AttrPath }
  | { readonly at: 'opaque' };

/**
 * `strict` refuses a name given twice in different cases (a client's body is ambiguous then);
 * `lenient` keeps the schema-spelt one (data stored before names were canonical).
 */
export type Mode = 'strict' | 'lenient';

/** Objects at the same place in the stored resource, whose spelling of unknown names is kept. */
type Stored = readonly Record<string, unknown>[];

interface Walk {
  readonly mode: Mode;
  readonly depth: number;
}

function pathAt(level: Level, key: string): AttrPath | undefined {
  switch (level.at) {
    case 'resource':
      return { attr: key };
    case 'extension':
      return { schema: level.schema, attr: key };
    case 'attribute':
      return level.path.sub === undefined ? { ...level.path, sub: key } : undefined;
    case 'opaque':
      return undefined;
  }
}

function inside(path: AttrPath | undefined): Level {
  return path && path.sub === undefined ? { at: 'attribute', path } : { at: 'opaque' };
}

function storedKey(stored: Stored, key: string): string | undefined {
  for (const s of stored) {
    const k = findKey(s, key);
    if (k !== undefined) return k;
  }
  return undefined;
}

/** The stored objects under `name` (elements of multi-valued attributes included). */
function storedAt(stored: Stored, name: string): Stored {
  return stored.flatMap((s) => {
    const k = findKey(s, name);
    const v = k === undefined ? undefined : s[k];
    return (Array.isArray(v) ? v : [v]).filter(isObject);
  });
}

function coerceBoolean(path: AttrPath, value: unknown): unknown {
  if (typeof value === 'boolean' || value === null) return value;
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  if (lower === 'true' || lower === 'false') return lower === 'true';
  // JSON text escapes control characters already: it is only cut.
  const json = JSON.stringify(value) ?? String(value);
  throw new InvalidValueError(`\`${attributeInfo(path).name}\` must be a boolean, got \`${json.length > 64 ? `${json.slice(0, 64)}…` : json}\``);
}

function value(path: AttrPath | undefined, v: unknown, stored: Stored, walk: Walk): unknown {
  if (walk.depth > MAX_DEPTH) throw new InvalidValueError(`a value is nested more than ${MAX_DEPTH} levels deep`);
  const deeper = { ...walk, depth: walk.depth + 1 };
  if (Array.isArray(v)) return v.map((e) => value(path, e, stored, deeper));
  if (path && attributeInfo(path).type === 'boolean') return coerceBoolean(path, v);
  return isObject(v) ? object(inside(path), v, stored, deeper) : v;
}

/** Puts `v` under `name`; `given` remembers which key of the input each name came from. */
function place(out: Record<string, unknown>, given: Map<string, string>, name: string, key: string, v: unknown, mode: Mode): void {
  const earlier = given.get(name);
  if (earlier !== undefined) {
    if (mode === 'strict') throw new InvalidValueError(`attribute \`${name}\` is given twice, as \`${earlier}\` and \`${key}\`: attribute names are case-insensitive`);
    if (earlier === name) return;
  }
  given.set(name, key);
  out[name] = v;
}

function object(level: Level, obj: Record<string, unknown>, stored: Stored, walk: Walk, out = dict<unknown>(), given = new Map<string, string>()): Record<string, unknown> {
  for (const [key, v] of Object.entries(obj)) {
    if (level.at === 'resource' && /^urn:/i.test(key)) {
      // The core schema's attributes are top-level attributes however they are sent.
      if (isCoreSchema(key) && isObject(v)) {
        object(level, v, stored, walk, out, given);
        continue;
      }
      const name = SCHEMAS.find((s) => s.id.toLowerCase() === key.toLowerCase())?.id ?? storedKey(stored, key) ?? key;
      place(out, given, name, key, isObject(v) ? object({ at: 'extension', schema: name }, v, storedAt(stored, name), walk) : v, walk.mode);
      continue;
    }
    const path = pathAt(level, key);
    const name = (path && isDefinedAttribute(path) ? attributeInfo(path).name : undefined) ?? storedKey(stored, key) ?? key;
    place(out, given, name, key, value(pathAt(level, name), v, storedAt(stored, name), walk), walk.mode);
  }
  return out;
}

/** A copy of a whole resource with canonical names; `stored` is the current version of it, if any. */
export function canonicalResource(resource: Record<string, unknown>, stored: ScimResource | undefined, mode: Mode): ScimResource {
  return object({ at: 'resource' }, resource, stored ? [stored] : [], { mode, depth: 0 });
}

/** A copy of `v`, the value of the attribute at `path`, with canonical names; `current` is the value stored there. */
export function canonicalValue(path: AttrPath, v: unknown, current: unknown): unknown {
  const stored = (Array.isArray(current) ? current : [current]).filter(isObject);
  return value(path, v, stored, { mode: 'strict', depth: 0 });
}
