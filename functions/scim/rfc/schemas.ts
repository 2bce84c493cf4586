/** Schema URNs of RFC 7643 that Warden serves. */
export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'binary' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';

/** One attribute definition of RFC 7643 §7, every field present (Entra rejects nulls). */
export interface SchemaAttribute {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: 'none' | 'server' | 'global';
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly SchemaAttribute[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly SchemaAttribute[];
}

interface Options {
  readonly multiValued?: boolean;
  readonly required?: boolean;
  readonly caseExact?: boolean;
  readonly mutability?: Mutability;
  readonly returned?: Returned;
  readonly uniqueness?: 'none' | 'server';
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly SchemaAttribute[];
}

function attr(name: string, type: AttributeType, description: string, o: Options = {}): SchemaAttribute {
  return {
    name,
    type,
    multiValued: o.multiValued ?? false,
    description,
    required: o.required ?? false,
    caseExact: o.caseExact ?? false,
    mutability: o.mutability ?? 'readWrite',
    returned: o.returned ?? 'default',
    uniqueness: o.uniqueness ?? 'none',
    ...(o.canonicalValues ? { canonicalValues: o.canonicalValues } : {}),
    ...(o.referenceTypes ? { referenceTypes: o.referenceTypes } : {}),
    ...(o.subAttributes ? { subAttributes: o.subAttributes } : {}),
  };
}

/** The value/display/type/primary shape RFC 7643 gives most multi-valued attributes. */
function multi(name: string, description: string, types: readonly string[], valueType: AttributeType = 'string'): SchemaAttribute {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      attr('value', valueType, `the ${name} value`),
      attr('display', 'string', 'a human-readable name, primarily used for display purposes'),
      attr('type', 'string', `a label indicating the function of the ${name} value`, { canonicalValues: types }),
      attr('primary', 'boolean', 'whether this is the preferred value'),
    ],
  });
}

function schema(id: string, name: string, description: string, attributes: readonly SchemaAttribute[]): SchemaDefinition {
  return { id, name, description, attributes };
}

const OTHER = ['work', 'home', 'other'];

export const USER_SCHEMA = schema(CORE_USER, 'User', 'User Account', [
  attr('userName', 'string', 'unique identifier for the user, not case-exact', { required: true, uniqueness: 'server' }),
  attr('name', 'complex', 'the components of the user\'s real name', {
    subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) =>
      attr(n, 'string', `the ${n} part of the user's name`),
    ),
  }),
  ...['displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'].map((n) =>
    attr(n, 'string', `the user's ${n}`),
  ),
  attr('profileUrl', 'reference', 'a URI of the user\'s online profile', { referenceTypes: ['external'] }),
  attr('active', 'boolean', 'the user\'s administrative status; inactive users lose every access'),
  attr('password', 'string', 'accepted and discarded: Warden never stores passwords', { mutability: 'writeOnly', returned: 'never' }),
  multi('emails', 'email addresses for the user', OTHER),
  multi('phoneNumbers', 'phone numbers for the user', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
  multi('ims', 'instant messaging addresses for the user', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
  multi('photos', 'URLs of photos of the user', ['photo', 'thumbnail'], 'reference'),
  attr('addresses', 'complex', 'physical mailing addresses for this user', {
    multiValued: true,
    subAttributes: [
      ...['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'].map((n) => attr(n, 'string', `the ${n} of the address`)),
      attr('type', 'string', 'a label indicating the address\'s function', { canonicalValues: OTHER }),
      attr('primary', 'boolean', 'whether this is the preferred address'),
    ],
  }),
  attr('groups', 'complex', 'the groups the user belongs to, managed through the Group resource', {
    multiValued: true,
    mutability: 'readOnly',
    subAttributes: [
      attr('value', 'string', 'the identifier of the group', { caseExact: true, mutability: 'readOnly' }),
      attr('$ref', 'reference', 'the URI of the group', { caseExact: true, mutability: 'readOnly', referenceTypes: ['Group'] }),
      attr('display', 'string', 'the displayName of the group', { mutability: 'readOnly' }),
      attr('type', 'string', 'direct or indirect membership', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
    ],
  }),
  multi('entitlements', 'entitlements of the user', []),
  multi('roles', 'roles of the user', []),
  multi('x509Certificates', 'certificates issued to the user', [], 'binary'),
]);

export const GROUP_SCHEMA = schema(CORE_GROUP, 'Group', 'Group', [
  attr('displayName', 'string', 'a human-readable name for the group, unique within the IAM', { required: true, uniqueness: 'server' }),
  attr('members', 'complex', 'a list of members of the group', {
    multiValued: true,
    subAttributes: [
      // Member ids are Warden user ids, which are case-sensitive, hence caseExact.
      attr('value', 'string', 'the identifier of the member', { caseExact: true, mutability: 'immutable' }),
      attr('$ref', 'reference', 'the URI of the member', { caseExact: true, mutability: 'immutable', referenceTypes: ['User'] }),
      attr('display', 'string', 'the displayName of the member', { mutability: 'readOnly' }),
      attr('type', 'string', 'the type of the member', { mutability: 'immutable', canonicalValues: ['User'] }),
    ],
  }),
]);

export const ENTERPRISE_USER_SCHEMA = schema(ENTERPRISE_USER, 'EnterpriseUser', 'Enterprise User', [
  ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((n) => attr(n, 'string', `the user's ${n}`)),
  attr('manager', 'complex', 'the user\'s manager', {
    subAttributes: [
      attr('value', 'string', 'the id of the manager\'s User resource'),
      attr('$ref', 'reference', 'the URI of the manager\'s User resource', { caseExact: true, referenceTypes: ['User'] }),
      attr('displayName', 'string', 'the displayName of the manager', { mutability: 'readOnly' }),
    ],
  }),
]);

/** Every schema `/Schemas` lists. */
export const SCHEMAS: readonly SchemaDefinition[] = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA];
