/** A SCIM resource as JSON: core attributes at the top, extensions under their schema URN. */
export type ScimResource = Record<string, unknown>;

/**
 * An attribute path `[schemaURN:]attr[.sub]`. `schema` is set only for extension schemas: a
 * core-schema prefix (`urn:…:core:2.0:User:userName`) names a top-level attribute.
 */
export interface AttrPath {
  readonly schema?: string;
  readonly attr: string;
  readonly sub?: string;
}

const NAME = /^[A-Za-z$][\w$-]*$/;
const SCHEMA_URN = /^urn:[^\s[\]"]*:\d+\.\d+:[A-Za-z]+$/i;

/** True for `urn:…:core:2.0:…` URNs, whose attributes live at the top of a resource. */
export function isCoreSchema(urn: string): boolean {
  return urn.toLowerCase().startsWith('urn:ietf:params:scim:schemas:core:2.0:');
}

/** True when `text` names a whole schema (`urn:…:2.0:User`) rather than one of its attributes. */
export function isSchemaUrn(text: string): boolean {
  return SCHEMA_URN.test(text);
}

/** Parses `[urn:…:]attr[.sub]`; undefined when malformed (callers raise their own error kind). */
export function parseAttrPath(text: string): AttrPath | undefined {
  let schema: string | undefined;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    schema = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (isCoreSchema(schema)) schema = undefined;
  }
  const [attr, sub, extra] = rest.split('.');
  if (attr === undefined || !NAME.test(attr) || extra !== undefined) return undefined;
  if (sub !== undefined && !NAME.test(sub)) return undefined;
  return { ...(schema ? { schema } : {}), attr, ...(sub !== undefined ? { sub } : {}) };
}

/** The key of `obj` equal to `name` ignoring case (attribute names are case-insensitive). */
export function findKey(obj: object, name: string): string | undefined {
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

/** True for a plain JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value of `obj[name]`, looked up ignoring case. */
export function getIgnoringCase(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  const key = findKey(obj, name);
  return key === undefined ? undefined : obj[key];
}

/** The object holding `path.attr`: the resource itself, or its extension object (undefined if absent). */
export function holderOf(resource: ScimResource, path: AttrPath): Record<string, unknown> | undefined {
  if (!path.schema) return resource;
  const ext = getIgnoringCase(resource, path.schema);
  return isObject(ext) ? ext : undefined;
}

/**
 * Every value at `path`, multi-valued attributes flattened, absent and null values dropped:
 * `emails.value` on two emails gives both addresses.
 */
export function valuesAt(resource: ScimResource, path: AttrPath): unknown[] {
  const top = getIgnoringCase(holderOf(resource, path), path.attr);
  const items = Array.isArray(top) ? top : [top];
  const sub = path.sub;
  const values = sub === undefined ? items : items.flatMap((i) => {
    const v = getIgnoringCase(i, sub);
    return Array.isArray(v) ? v : [v];
  });
  return values.filter((v) => v !== undefined && v !== null);
}

/** `path` as text, for error messages. */
export function formatPath(path: AttrPath): string {
  return `${path.schema ? `${path.schema}:` : ''}${path.attr}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}
