import { ownValue } from '#shared/model/dict.ts';
import { attributeInfo } from './attributes.ts';
import { canonicalResource, canonicalValue } from './canonical.ts';
import { InvalidFilterError, InvalidPathError, InvalidSyntaxError, InvalidValueError, MutabilityError, NoTargetError } from './errors.ts';
import { parsePatchPath, type Filter, type PatchPath } from './filter.ts';
import { matchesElement } from './match.ts';
import { MemberChanges, type MemberDelta } from './member-delta.ts';
import { mergeItems, withOnePrimary } from './multi-valued.ts';
import { memberIds, syncSchemas } from './normalise.ts';
import { findKey, getIgnoringCase, isCoreSchema, isObject, isSchemaUrn, type AttrPath, type ScimResource } from './path.ts';
import { CORE_GROUP, CORE_USER } from './schemas.ts';

export type ResourceKind = 'User' | 'Group';
type Op = 'add' | 'replace' | 'remove';

/** A patched resource; for Groups, also the membership change (members are never in `resource`). */
export interface PatchResult {
  readonly resource: ScimResource;
  readonly members?: MemberDelta;
}

interface Context {
  readonly resource: ScimResource;
  readonly kind: ResourceKind;
  readonly members: MemberChanges;
}

/** Attributes a path-less value may echo back harmlessly, but an explicit path may not change. */
const READ_ONLY = new Set(['meta', 'schemas', 'groups']);
const REQUIRED: Record<ResourceKind, string> = { User: 'username', Group: 'displayname' };

/**
 * Applies an RFC 7644 §3.5.2 PATCH body to a copy of `resource`, in the shapes Okta and Entra
 * send (see scim.md). Throws ScimError subclasses carrying the RFC's `scimType`.
 */
export function applyPatch(resource: ScimResource, body: unknown, kind: ResourceKind): PatchResult {
  const operations = getIgnoringCase(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) throw new InvalidSyntaxError('`Operations` must be a non-empty array');
  // A copy, with the names of data stored before they were canonical made canonical.
  const ctx: Context = { resource: canonicalResource(resource, undefined, 'lenient'), kind, members: new MemberChanges() };
  for (const operation of operations) {
    const opName = getIgnoringCase(operation, 'op');
    const op = typeof opName === 'string' ? opName.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') throw new InvalidSyntaxError(`unknown PATCH op \`${String(opName)}\``);
    const path = getIgnoringCase(operation, 'path');
    const value = getIgnoringCase(operation, 'value');
    if (path === undefined || path === null || path === '') applyPathless(ctx, op, value);
    else if (typeof path !== 'string') throw new InvalidPathError('`path` must be a string');
    else applyAt(ctx, op, path, value, false);
  }
  syncSchemas(ctx.resource, kind === 'User' ? CORE_USER : CORE_GROUP);
  return { resource: ctx.resource, ...(kind === 'Group' ? { members: ctx.members.delta() } : {}) };
}

function applyPathless(ctx: Context, op: Op, value: unknown): void {
  if (op === 'remove') throw new NoTargetError('`remove` needs a `path`');
  if (!isObject(value)) throw new InvalidValueError(`a path-less \`${op}\` needs an object value`);
  for (const [key, v] of Object.entries(value)) applyAt(ctx, op, key, v, true);
}

/** Applies one operation at `text`: an attribute path, a value path, or a whole schema URN. */
function applyAt(ctx: Context, op: Op, text: string, value: unknown, pathless: boolean): void {
  if (isSchemaUrn(text)) {
    if (op === 'remove' && !isCoreSchema(text)) {
      const key = findKey(ctx.resource, text);
      if (key !== undefined) delete ctx.resource[key];
      return;
    }
    if (!isObject(value)) throw new InvalidValueError(`\`${text}\` takes an object`);
    const prefix = isCoreSchema(text) ? '' : `${text}:`;
    for (const [k, v] of Object.entries(value)) applyAt(ctx, op, `${prefix}${k}`, v, pathless);
    return;
  }
  const parsed = parsePatchPath(text);
  if (!parsed) throw new InvalidPathError(`invalid path \`${text}\``);
  const top = parsed.path.schema ? '' : parsed.path.attr.toLowerCase();
  if (top === 'password') return; // accepted and discarded, never stored
  if (top === 'id') {
    if (op !== 'remove' && value === ctx.resource.id) return;
    throw new MutabilityError('`id` cannot change');
  }
  if (READ_ONLY.has(top)) {
    if (pathless) return;
    throw new MutabilityError(`\`${parsed.path.attr}\` is read-only`);
  }
  if (top === 'members' && ctx.kind === 'Group') return applyMembers(ctx, op, parsed, value);
  if (parsed.filter) return applyFiltered(ctx, op, parsed, parsed.filter, value);
  applyPlain(ctx, op, parsed.path, value);
}

function applyMembers(ctx: Context, op: Op, parsed: PatchPath, value: unknown): void {
  if (parsed.path.sub !== undefined || parsed.sub !== undefined) throw new InvalidPathError('member sub-attributes cannot be patched');
  if (parsed.filter) {
    if (op !== 'remove') throw new InvalidPathError(`\`${op}\` cannot take a member filter`);
    return ctx.members.remove(filteredIds(parsed.filter));
  }
  const ids = value === undefined || value === null ? [] : memberIds(value);
  if (op === 'add') ctx.members.add(ids);
  else if (op === 'replace' || value === undefined || value === null) ctx.members.replaceAll(ids);
  else ctx.members.remove(ids);
}

/** The ids named by `members[value eq "a" or value eq "b"]`: the only member filters answerable without the list. */
function filteredIds(filter: Filter): string[] {
  if (filter.kind === 'or') return [...filteredIds(filter.left), ...filteredIds(filter.right)];
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.path.attr.toLowerCase() === 'value' && typeof filter.value === 'string') {
    return [filter.value];
  }
  throw new InvalidFilterError('a member filter must be `value eq "<id>"`, possibly joined with `or`');
}

/** The object holding `path.attr`, creating the extension object when asked to. */
function holder(resource: ScimResource, path: AttrPath, create: boolean): Record<string, unknown> | undefined {
  if (!path.schema) return resource;
  const key = findKey(resource, path.schema) ?? path.schema;
  const ext = ownValue(resource, key);
  if (isObject(ext)) return ext;
  if (!create) return undefined;
  const fresh: Record<string, unknown> = {};
  resource[key] = fresh;
  return fresh;
}

function applyPlain(ctx: Context, op: Op, path: AttrPath, raw: unknown): void {
  const info = attributeInfo({ ...path, sub: undefined });
  if (op === 'remove' && path.sub === undefined && !path.schema && path.attr.toLowerCase() === REQUIRED[ctx.kind]) {
    throw new InvalidValueError(`\`${info.name}\` is required`);
  }
  const obj = holder(ctx.resource, path, op !== 'remove');
  if (!obj) return;
  const key = findKey(obj, path.attr) ?? info.name;
  const current = ownValue(obj, key);
  // RFC 7643 §2.5: null means unassigned.
  const assigned = op !== 'remove' && raw !== null;
  if (path.sub !== undefined) {
    if (info.multiValued) throw new InvalidPathError(`\`${info.name}.${path.sub}\` needs a value filter, as in \`${info.name}[type eq "work"].${path.sub}\``);
    const parent = isObject(current) ? current : {};
    const subKey = findKey(parent, path.sub) ?? attributeInfo(path).name;
    setOrDelete(parent, subKey, assigned ? canonicalValue(path, raw, ownValue(parent, subKey)) : undefined);
    setOrDelete(obj, key, Object.keys(parent).length > 0 ? parent : undefined);
    return;
  }
  if (op === 'remove') {
    if (info.multiValued && Array.isArray(current) && Array.isArray(raw)) {
      const gone = new Set(raw.map((v) => (isObject(v) ? getIgnoringCase(v, 'value') : v)));
      return setOrDelete(obj, key, current.filter((e) => !gone.has(isObject(e) ? getIgnoringCase(e, 'value') : e)));
    }
    return setOrDelete(obj, key, undefined);
  }
  const value = assigned ? canonicalValue(path, asComplex(path, raw), current) : undefined;
  if (info.multiValued) {
    const items = value === undefined ? [] : Array.isArray(value) ? value : [value];
    return setOrDelete(obj, key, mergeItems(op === 'add' && Array.isArray(current) ? current : [], items));
  }
  if (info.type === 'complex' && isObject(value) && isObject(current)) {
    // RFC 7644 §3.5.2.3: sub-attributes not in the value are left unchanged, for add and replace.
    return setOrDelete(obj, key, { ...current, ...value });
  }
  setOrDelete(obj, key, value);
}

/** Entra sends `manager` as a bare id; a complex attribute takes it as `{"value": id}`. */
function asComplex(path: AttrPath, value: unknown): unknown {
  const complex = path.sub === undefined && attributeInfo(path).type === 'complex' && !attributeInfo(path).multiValued;
  return complex && typeof value === 'string' ? { value } : value;
}

function setOrDelete(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete obj[key];
  else obj[key] = value;
}

function applyFiltered(ctx: Context, op: Op, parsed: PatchPath, filter: Filter, raw: unknown): void {
  const { path, sub } = parsed;
  const obj = holder(ctx.resource, path, op !== 'remove');
  if (!obj) return;
  const key = findKey(obj, path.attr) ?? attributeInfo(path).name;
  const current = ownValue(obj, key);
  const elements: unknown[] = Array.isArray(current) ? current : isObject(current) ? [current] : [];
  const hits = (e: unknown): e is Record<string, unknown> => isObject(e) && matchesElement(filter, e, path);
  if (op === 'remove') {
    const next = sub === undefined ? elements.filter((e) => !hits(e)) : elements.map((e) => (hits(e) ? without(e, sub) : e));
    return setOrDelete(obj, key, next);
  }
  const value = sub !== undefined ? canonicalValue({ ...path, sub }, raw, undefined) : canonicalValue(path, raw, elements.filter(hits));
  if (sub === undefined && !isObject(value)) throw new InvalidValueError(`\`${key}[…]\` takes an object`);
  const update = (e: Record<string, unknown>): Record<string, unknown> =>
    sub !== undefined ? { ...without(e, sub), [findKey(e, sub) ?? attributeInfo({ ...path, sub }).name]: value } : { ...e, ...(value as Record<string, unknown>) };
  if (elements.some(hits)) {
    // RFC 7644 §3.5.2: making a value primary makes the others not.
    return setOrDelete(obj, key, withOnePrimary(elements.map((e) => (hits(e) ? update(e) : e)), (_e, i) => hits(elements[i])));
  }
  // Entra sets `emails[type eq "work"].value` on users that have no work email yet: create it.
  const seed = equalities(filter);
  if (!seed) throw new NoTargetError(`no value of \`${key}\` matches the filter`);
  setOrDelete(obj, key, withOnePrimary([...elements, update(canonicalValue(path, seed, elements) as Record<string, unknown>)], (_e, i) => i === elements.length));
}

function without(e: Record<string, unknown>, sub: string): Record<string, unknown> {
  const k = findKey(e, sub);
  if (k === undefined) return e;
  const { [k]: _dropped, ...rest } = e;
  return rest;
}

/** `type eq "work" and …` as `{type: "work", …}`; undefined when the filter is anything else. */
function equalities(filter: Filter): Record<string, unknown> | undefined {
  if (filter.kind === 'and') {
    const l = equalities(filter.left);
    const r = equalities(filter.right);
    return l && r ? { ...l, ...r } : undefined;
  }
  if (filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null && filter.path.sub === undefined) {
    return { [filter.path.attr]: filter.value };
  }
  return undefined;
}
