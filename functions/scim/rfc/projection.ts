import { dict } from '#shared/model/dict.ts';
import { attributeInfo } from './attributes.ts';
import { findKey, holderOf, isObject, isSchemaUrn, parseAttrPath, type AttrPath, type ScimResource } from './path.ts';

/** The raw `attributes` / `excludedAttributes` query parameters (comma-separated paths). */
export interface ProjectionOptions {
  readonly attributes?: string;
  readonly excludedAttributes?: string;
}

type Target = { readonly schema: string } | AttrPath;

/** Comma-separated paths; entries that are not attribute paths name nothing and are skipped. */
function targets(list: string): Target[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .flatMap((s): Target[] => {
      if (isSchemaUrn(s)) return [{ schema: s }];
      const p = parseAttrPath(s);
      return p ? [p] : [];
    });
}

function isAlways(t: Target): boolean {
  return 'attr' in t && !t.schema && t.sub === undefined && attributeInfo(t).returned === 'always';
}

function pick(value: unknown, sub: string): unknown {
  if (!isObject(value)) return undefined;
  const k = findKey(value, sub);
  return k === undefined ? undefined : { [k]: value[k] };
}

function include(resource: ScimResource, out: ScimResource, t: Target): void {
  if (!('attr' in t)) {
    const k = findKey(resource, t.schema);
    if (k !== undefined) out[k] = structuredClone(resource[k]);
    return;
  }
  const src = holderOf(resource, t);
  const key = src && findKey(src, t.attr);
  if (!src || key === undefined) return;
  let dst: Record<string, unknown> = out;
  if (t.schema) {
    const extKey = findKey(resource, t.schema)!;
    dst = isObject(out[extKey]) ? (out[extKey] as Record<string, unknown>) : (out[extKey] = dict<unknown>()) as Record<string, unknown>;
  }
  const value = src[key];
  const sub = t.sub;
  if (sub === undefined) dst[key] = structuredClone(value);
  else if (Array.isArray(value)) {
    const prev = Array.isArray(dst[key]) ? (dst[key] as unknown[]) : [];
    dst[key] = value.map((e, i) => ({ ...(isObject(prev[i]) ? prev[i] : {}), ...(pick(e, sub) as object | undefined) }));
  } else if (isObject(value)) dst[key] = { ...(isObject(dst[key]) ? dst[key] : {}), ...(pick(value, sub) as object | undefined) };
}

function exclude(out: ScimResource, t: Target): void {
  if (isAlways(t)) return;
  if (!('attr' in t)) {
    const k = findKey(out, t.schema);
    if (k !== undefined) delete out[k];
    return;
  }
  const obj = holderOf(out, t);
  const key = obj && findKey(obj, t.attr);
  if (!obj || key === undefined) return;
  const sub = t.sub;
  if (sub === undefined) {
    delete obj[key];
    return;
  }
  for (const e of Array.isArray(obj[key]) ? (obj[key] as unknown[]) : [obj[key]]) {
    const k = isObject(e) ? findKey(e, sub) : undefined;
    if (isObject(e) && k !== undefined) delete e[k];
  }
}

/**
 * Shapes a resource by `attributes=` (only those, plus `returned: always` ones: `id`,
 * `schemas`) or else by `excludedAttributes=` (all but those; `id` and `schemas` stay).
 * Attribute names match case-insensitively; the resource's own spelling is kept.
 */
export function attributeProjection(resource: ScimResource, options: ProjectionOptions): ScimResource {
  if (options.attributes !== undefined && options.attributes.trim() !== '') {
    const out: ScimResource = dict();
    for (const k of ['id', 'schemas']) if (resource[k] !== undefined) out[k] = structuredClone(resource[k]);
    for (const t of targets(options.attributes)) include(resource, out, t);
    return out;
  }
  const out = structuredClone(resource);
  if (options.excludedAttributes !== undefined) for (const t of targets(options.excludedAttributes)) exclude(out, t);
  return out;
}
