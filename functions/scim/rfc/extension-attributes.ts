import { dictFrom } from '#shared/model/dict.ts';
import { getIgnoringCase, isCoreSchema, isObject, parseAttrPath, valuesAt, type ScimResource } from './path.ts';

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
