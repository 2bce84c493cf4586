import { isCoreSchema, type AttrPath } from './path.ts';
import { SCHEMAS, type SchemaAttribute } from './schemas.ts';

/** What the filter, PATCH and projection code needs to know about one attribute. */
export type AttributeInfo = Pick<SchemaAttribute, 'name' | 'type' | 'multiValued' | 'required' | 'caseExact' | 'mutability' | 'returned'>;

/** Unknown attributes (custom extensions) are treated as RFC 7643's default: a case-folded string. */
const DEFAULT: Omit<AttributeInfo, 'name'> = { type: 'string', multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default' };

function info(a: SchemaAttribute): AttributeInfo {
  const { name, type, multiValued, required, caseExact, mutability, returned } = a;
  return { name, type, multiValued, required, caseExact, mutability, returned };
}

/** Keyed by `[schema:]attr[.sub]` in lower case; core attributes without a schema prefix. */
const TABLE = new Map<string, AttributeInfo>();

function register(prefix: string, attributes: readonly SchemaAttribute[]): void {
  for (const a of attributes) {
    const key = `${prefix}${a.name.toLowerCase()}`;
    TABLE.set(key, info(a));
    for (const s of a.subAttributes ?? []) TABLE.set(`${key}.${s.name.toLowerCase()}`, info(s));
  }
}

for (const schema of SCHEMAS) {
  register(isCoreSchema(schema.id) ? '' : `${schema.id.toLowerCase()}:`, schema.attributes);
}
// RFC 7643 §3.1 common attributes, which /Schemas does not list.
const COMMON: Record<string, Partial<AttributeInfo> & { name: string }> = {
  id: { name: 'id', caseExact: true, mutability: 'readOnly', returned: 'always' },
  externalid: { name: 'externalId', caseExact: true },
  schemas: { name: 'schemas', type: 'reference', multiValued: true, mutability: 'readOnly', returned: 'always' },
  meta: { name: 'meta', type: 'complex', mutability: 'readOnly' },
  'meta.resourcetype': { name: 'resourceType', caseExact: true, mutability: 'readOnly' },
  'meta.created': { name: 'created', type: 'dateTime', mutability: 'readOnly' },
  'meta.lastmodified': { name: 'lastModified', type: 'dateTime', mutability: 'readOnly' },
  'meta.location': { name: 'location', type: 'reference', caseExact: true, mutability: 'readOnly' },
  'meta.version': { name: 'version', caseExact: true, mutability: 'readOnly' },
};
for (const [key, overrides] of Object.entries(COMMON)) TABLE.set(key, { ...DEFAULT, ...overrides });

function keyOf(path: AttrPath): string {
  const prefix = path.schema ? `${path.schema.toLowerCase()}:` : '';
  return `${prefix}${path.attr.toLowerCase()}${path.sub !== undefined ? `.${path.sub.toLowerCase()}` : ''}`;
}

/** True when one of Warden's schemas (or RFC 7643's common attributes) defines `path`. */
export function isDefinedAttribute(path: AttrPath): boolean {
  return TABLE.has(keyOf(path));
}

/** The characteristics of the attribute at `path` (for `a.b`, of sub-attribute `b`). */
export function attributeInfo(path: AttrPath): AttributeInfo {
  const key = keyOf(path);
  const name = path.sub ?? path.attr;
  if (name.toLowerCase() === '$ref') return { ...DEFAULT, name: '$ref', type: 'reference', caseExact: true };
  return TABLE.get(key) ?? { ...DEFAULT, name };
}
