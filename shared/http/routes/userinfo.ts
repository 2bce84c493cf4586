import type * as z from 'zod';
import type { Caller } from '#shared/auth/caller.ts';
import { iamParamsSchema } from '#shared/model/iams.ts';
import type { UserRef } from '#shared/model/identity.ts';
import {
  accessibleSourcesView,
  createUserBodySchema,
  groupAttributeParamsSchema,
  groupMemberParamsSchema,
  groupParamsSchema,
  groupView,
  memberBodySchema,
  permissionsBodySchema,
  userAttributeParamsSchema,
  userInfoQuerySchema,
  userInfoView,
  userParamsSchema,
  userView,
  valuesBodySchema,
} from '#shared/model/users.ts';
import { badRequest } from '../errors.ts';
import { requires, theUserOrEngines, userOfPath } from '../guard.ts';
import { guardedBy, route, type AnyRoute, type ReplySpec } from '../route.ts';
import { IAM_ROUTES } from './iams.ts';
import { CONCURRENT_WRITE } from './versioned.ts';

const userAdmin = guardedBy(requires('USER_ADMIN'));

const reservedKey = 'a key or name over 256 characters or with control characters, or the reserved key `__proto__`';
const userAnswer = { description: 'the user, as `GET /v1/users/{iamid}/{userid}` shows it', schema: userView } as const;

/** The user `/userinfo/{iamid}?userid=` asks about; a query `iamid` other than the path's is a 400, before any 403. */
export function userOfIamPath({ params, query }: { readonly params: { readonly iamid: string }; readonly query: { readonly userid: string; readonly iamid?: string | undefined } }): UserRef {
  if (query.iamid !== undefined && query.iamid !== params.iamid) throw badRequest(`query \`iamid\` \`${query.iamid}\` differs from the path's iam \`${params.iamid}\``);
  return { iamid: params.iamid, userid: query.userid };
}

/** Who may ask `/userinfo` about a user: the user itself; an impersonation token is refused in its own words. */
const askingSelf = {
  who: 'the user itself (an impersonation token: its own user only)',
  refusal: (_: unknown, caller: Caller) => (caller.impersonation ? 'an impersonation token may only ask about its own user' : undefined),
};

const userInfoDescription =
  'Answers `{"groups":[{"name"}],"authorizations":{"key":["value"]}}` merged from every source (SCIM, manual, external) with group attributes applied, plus `userid`, `iamid`, `active`. ' +
  'Accepts a bearer API key, HTTP Basic with the API key as password (any username), or an impersonation token. ' +
  "When the user's IAM has an external source, its answer is refreshed first if older than the source's TTL (at most 2 s; a failing source keeps the last good values).";

/** What differs between the attribute routes of a user and of a group. */
interface AttributeRoutes<P, A> {
  /** The path of the user or group; the routes are `…/attributes/{key}` under it. */
  readonly path: string;
  readonly params: P;
  readonly answer: A;
  readonly put: { readonly summary: string; readonly description?: string; readonly notFound: string };
  readonly remove: { readonly summary: string; readonly notFound: string };
}

/** `PUT` and `DELETE …/attributes/{key}`: an admin sets or removes the manual values of one attribute of a user or a group. */
const attributeRoutes = <P extends z.ZodObject, const A extends ReplySpec>(owner: 'User' | 'Group', at: AttributeRoutes<P, A>) =>
  [
    route(`put${owner}Attribute`, 'put', `${at.path}/attributes/{key}`, {
      summary: at.put.summary,
      ...(at.put.description ? { description: at.put.description } : {}),
      guard: requires('USER_ADMIN'),
      params: at.params,
      body: { schema: valuesBodySchema },
      responses: { 200: at.answer },
      errors: { 400: reservedKey, 404: at.put.notFound },
    }),
    route(`delete${owner}Attribute`, 'delete', `${at.path}/attributes/{key}`, {
      summary: at.remove.summary,
      guard: requires('USER_ADMIN'),
      params: at.params,
      responses: { 204: { description: 'removed' } },
      errors: { 400: reservedKey, 404: at.remove.notFound },
    }),
  ] as const;

export const getUserInfo = route('getUserInfo', 'get', '/userinfo', {
  summary: "Immuta's External Groups and Authorizations Endpoint",
  description: userInfoDescription,
  guard: requires('QUERY_ENGINE', 'USER_ADMIN'),
  security: ['bearer', 'basic'],
  self: { ...askingSelf, subject: ({ query }, { defaultIam }) => ({ iamid: query.iamid ?? defaultIam, userid: query.userid }) },
  query: userInfoQuerySchema,
  responses: { 200: { description: "the user's groups and authorizations", schema: userInfoView } },
  errors: { 404: 'unknown user' },
});

export const getIamUserInfo = route('getIamUserInfo', 'get', '/userinfo/{iamid}', {
  summary: 'the same endpoint for the users of one IAM',
  description:
    'Same credentials and body as `GET /userinfo`, with the IAM in the path, so a URL such as `https://<warden>/userinfo/okta` can be given to Immuta, which appends `?userid=`. ' +
    "A query `iamid` other than the path's is a 400.",
  guard: requires('QUERY_ENGINE', 'USER_ADMIN'),
  security: ['bearer', 'basic'],
  self: { ...askingSelf, subject: userOfIamPath },
  params: iamParamsSchema,
  query: userInfoQuerySchema,
  responses: { 200: { description: "the user's groups and authorizations", schema: userInfoView } },
  errors: { 404: 'unknown user' },
});

export const createUser = userAdmin('createUser', 'post', '/v1/users', {
  summary: 'create a user (iamid defaults to the default IAM; another IAM must exist)',
  body: { schema: createUserBodySchema },
  responses: { 201: { ...userAnswer, description: 'the created user' } },
  errors: { 404: 'unknown IAM', 409: 'the user exists' },
});

export const getUser = route('getUser', 'get', '/v1/users/{iamid}/{userid}', {
  summary: 'a user with its merged attributes, its values per source and group memberships per source',
  description: 'Extension: `memberships` names, per group, the sources that made the user a member.',
  guard: requires('USER_ADMIN', 'QUERY_ENGINE'),
  self: userOfPath(),
  params: userParamsSchema,
  responses: { 200: userAnswer },
  errors: { 404: 'unknown user' },
});

export const putUserPermissions = userAdmin('putUserPermissions', 'put', '/v1/users/{iamid}/{userid}/permissions', {
  summary: "replace a user's permissions (conditional on the version read)",
  params: userParamsSchema,
  body: { schema: permissionsBodySchema },
  responses: { 200: userAnswer },
  errors: { 404: 'unknown user', ...CONCURRENT_WRITE },
});

export const [putUserAttribute, deleteUserAttribute] = attributeRoutes('User', {
  path: '/v1/users/{iamid}/{userid}',
  params: userAttributeParamsSchema,
  answer: userAnswer,
  put: {
    summary: 'set the manual values of one attribute (an empty list removes it)',
    description: 'Any printable key of at most 256 characters is a key like any other (`constructor` and `toString` too), except `__proto__`, which is reserved.',
    notFound: 'unknown user',
  },
  remove: { summary: 'remove the manual values of one attribute', notFound: 'unknown user' },
});

export const listUserDataSources = route('listUserDataSources', 'get', '/v1/users/{iamid}/{userid}/data-sources', {
  summary: 'every data source the user may query; one audit record',
  description: 'From the same cached snapshot as decisions.',
  ...theUserOrEngines("listing another user's data sources requires permission `QUERY_ENGINE` or `GOVERNANCE`"),
  params: userParamsSchema,
  responses: { 200: { description: 'the sources the user may query', schema: accessibleSourcesView } },
  errors: { 404: 'unknown user' },
});

export const [putGroupAttribute, deleteGroupAttribute] = attributeRoutes('Group', {
  path: '/v1/groups/{iamid}/{name}',
  params: groupAttributeParamsSchema,
  answer: { description: 'the group', schema: groupView },
  put: { summary: "set the manual values of one of a group's attributes; the group is created if it does not exist", notFound: 'unknown IAM' },
  remove: { summary: "remove the manual values of one of a group's attributes", notFound: 'unknown group' },
});

export const addGroupMember = userAdmin('addGroupMember', 'post', '/v1/groups/{iamid}/{name}/members', {
  summary: 'add a manual member; the group is created if it does not exist',
  params: groupParamsSchema,
  body: { schema: memberBodySchema },
  responses: { 200: { ...userAnswer, description: 'the member' } },
  errors: { 404: 'unknown user or IAM' },
});

export const removeGroupMember = userAdmin('removeGroupMember', 'delete', '/v1/groups/{iamid}/{name}/members/{userid}', {
  summary: 'remove a manual membership (other sources stay)',
  params: groupMemberParamsSchema,
  responses: { 204: { description: 'removed' } },
  errors: { 404: 'unknown group' },
});

/** The routes of the `userinfo` function: these, and those of IAMs and API keys (`iams.ts`). */
export const USERINFO_ROUTES: readonly AnyRoute[] = [
  getUserInfo,
  getIamUserInfo,
  createUser,
  getUser,
  putUserPermissions,
  putUserAttribute,
  deleteUserAttribute,
  listUserDataSources,
  putGroupAttribute,
  deleteGroupAttribute,
  addGroupMember,
  removeGroupMember,
  ...IAM_ROUTES,
];
