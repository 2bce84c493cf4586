import { consoleSessionView, iamListView, userCatalogQuerySchema, userCatalogView, userListQuerySchema, userPageView } from '#shared/model/console.ts';
import { userParamsSchema } from '#shared/model/users.ts';
import { authenticated, requires, theUserOrEngines } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';

const userAdmin = guardedBy(requires('USER_ADMIN'));

const cookie = 'The session travels in the `warden_session` cookie (`HttpOnly`, `SameSite=Strict`, `Secure` outside loopback); every other route accepts it in place of `Authorization`, and a change made with it needs the session\'s `csrfToken` in `x-csrf-token`.';

export const createConsoleSession = route('createConsoleSession', 'post', '/v1/console/session', {
  summary: 'exchange an API key for a short-lived console session (sign in)',
  description: `${cookie} The key itself is never stored by the session, only the hash the key is already stored as: every request of the session is judged as the key would be (a deleted key or a deactivated user ends it).`,
  guard: authenticated('An API key (not an impersonation token, not a session).'),
  responses: { 201: { description: 'the session; its secret only in `Set-Cookie`', schema: consoleSessionView, headers: { 'set-cookie': 'the session cookie' } } },
});

export const getConsoleSession = route('getConsoleSession', 'get', '/v1/console/session', {
  summary: 'the console session of the cookie, with its CSRF token',
  guard: authenticated('The session cookie.'),
  responses: { 200: { description: 'the session', schema: consoleSessionView } },
  errors: { 404: 'the request carried no session cookie' },
});

export const deleteConsoleSession = route('deleteConsoleSession', 'delete', '/v1/console/session', {
  summary: 'end the console session of the cookie (sign out)',
  description: 'The session is deleted: the cookie opens nothing any more, wherever it was copied to.',
  guard: authenticated('The session cookie and its CSRF token.'),
  responses: { 204: { description: 'ended; the answer clears the cookie', headers: { 'set-cookie': 'the cleared cookie' } } },
  errors: { 404: 'the request carried no session cookie' },
});

export const listUsers = userAdmin('listUsers', 'get', '/v1/users', {
  summary: "one page of an IAM's users, in userid order",
  query: userListQuerySchema,
  responses: { 200: { description: 'the page', schema: userPageView } },
});

export const listIams = route('listIams', 'get', '/v1/iams', {
  summary: 'every IAM, by id',
  guard: requires('USER_ADMIN', 'GOVERNANCE', 'QUERY_ENGINE'),
  responses: { 200: { description: 'the IAMs', schema: iamListView } },
});

export const getUserCatalog = route('getUserCatalog', 'get', '/v1/users/{iamid}/{userid}/catalog', {
  summary: 'the sources a user may query or discover, with columns, tags and its latest access request; paged, searchable',
  description: 'From the same cached snapshot as decisions; a source the user may neither query nor discover is absent. One audit record per page.',
  ...theUserOrEngines("another user's catalog requires permission `QUERY_ENGINE` or `GOVERNANCE`"),
  params: userParamsSchema,
  query: userCatalogQuerySchema,
  responses: { 200: { description: 'one page of the catalog', schema: userCatalogView } },
  errors: { 404: 'unknown user' },
});

/** The routes of console sessions, user and IAM listings, and a user's catalog (served by the `userinfo` function). */
export const CONSOLE_ROUTES: readonly AnyRoute[] = [createConsoleSession, getConsoleSession, deleteConsoleSession, listUsers, listIams, getUserCatalog];
