import * as z from 'zod';
import {
  endedView,
  impersonateBodySchema,
  jwksView,
  mintedView,
  sessionBulkQuerySchema,
  sessionListQuerySchema,
  sessionPageView,
  sessionParamsSchema,
  sessionQuerySchema,
  sessionView,
  settingsBodySchema,
  settingsView,
} from '#shared/model/impersonation.ts';
import { principalLabel, type Principal } from '#shared/model/identity.ts';
import { authenticated, open, requires } from '../guard.ts';
import { guardedBy, route, type AnyRoute } from '../route.ts';
import { CONCURRENT_WRITE } from './versioned.ts';

const userAdmin = guardedBy(requires('USER_ADMIN'));

/** Another impersonator's sessions are addressed only with `USER_ADMIN`; whether they exist is not told. */
const ownSessions = {
  subject: (input: { readonly query: { readonly impersonator?: Principal | undefined } }) => input.query.impersonator,
  who: 'the impersonator itself (`impersonator`, default: the caller)',
  refusal: (p: Principal) => `requires permission \`USER_ADMIN\` to address the sessions of \`${principalLabel(p)}\``,
};

/** The sessions of one impersonator: the caller's own, or with `USER_ADMIN` anyone's. */
const ofAnImpersonator = { guard: requires('USER_ADMIN'), self: ownSessions } as const;

/** One live session of one impersonator, by id (another impersonator's id answers as an unused one). */
const oneSession = {
  ...ofAnImpersonator,
  params: sessionParamsSchema,
  query: sessionQuerySchema,
  errors: { 404: 'no such live session of this impersonator' },
} as const;

const ttlNote = 'Verifiers cache a positive check for at most 1 s, so a warm function refuses the tokens within 1 s.';

export const getImpersonationSettings = userAdmin('getImpersonationSettings', 'get', '/v1/settings/impersonation', {
  summary: 'the impersonation settings in force',
  description:
    'Until changed, the deployment defaults from `WARDEN_ALLOWED_IMPERSONATORS`, `WARDEN_SINGLE_IMPERSONATION_USER`, `WARDEN_USER_MAPPING_IAMID` and `WARDEN_IMPERSONATION_TTL_SECONDS` (version 0). `WARDEN_REQUIRE_ALLOW_LIST` is not part of the settings: only a deployment changes it.',
  responses: { 200: { description: 'the settings in force', schema: settingsView } },
});

export const putImpersonationSettings = userAdmin('putImpersonationSettings', 'put', '/v1/settings/impersonation', {
  summary: 'replace the impersonation settings',
  description: 'Omitted fields take the deployment defaults. A user impersonator without `iamid` is in the default IAM. Audited.',
  body: { schema: settingsBodySchema },
  responses: { 200: { description: 'the stored settings', schema: settingsView } },
  errors: CONCURRENT_WRITE,
});

export const listImpersonationSessions = route('listImpersonationSessions', 'get', '/v1/impersonation/sessions', {
  summary: 'live impersonation sessions, cursor-paged',
  description:
    'A `USER_ADMIN` sees every session, filtered by `impersonator` and `target`; anyone else sees only its own. `limit` 1–1000 (default 100); `nextCursor` is opaque, and a cursor not issued for this listing is a 400.',
  ...ofAnImpersonator,
  query: sessionListQuerySchema,
  responses: { 200: { description: 'a page of live sessions; `nextCursor` is null on the last', schema: sessionPageView } },
});

export const endImpersonationSessions = route('endImpersonationSessions', 'delete', '/v1/impersonation/sessions', {
  summary: 'end every session of one impersonator: all the tokens it minted stop working',
  description: `\`impersonator\` is required. Each end is audited; sessions started after the call are not ended. ${ttlNote}`,
  ...ofAnImpersonator,
  query: sessionBulkQuerySchema,
  responses: { 200: { description: 'how many sessions were ended', schema: endedView } },
});

export const putImpersonationSession = route('putImpersonationSession', 'put', '/v1/impersonation/sessions/{sessionId}', {
  summary: 'impersonate a user in a session and mint a token (ES256 JWT)',
  description:
    'Who may impersonate (one rule, also applied on every use of a token): a user needs the permission `IMPERSONATE_USER` ' +
    '(and, when the deployment sets `WARDEN_REQUIRE_ALLOW_LIST=true`, a place in `allowedImpersonators`); a service principal needs a place in ' +
    '`allowedImpersonators`, whatever its permissions; the bootstrap admin key never impersonates. Others get 403, audited with the reason. ' +
    '`iamid` defaults to `userMappingIamid`; `useridTemplate` (`{userid}@example.com`) rewrites the id before lookup (an expansion longer than ' +
    'a userid may be, 256 characters, is a 400). A session id is scoped to its caller: the same id from two impersonators names two sessions. ' +
    'With `singleImpersonationPerSession` a different user is 409 and the same user gets a fresh token; without it the user switches and the ' +
    "previous user's tokens of the session are revoked. A session lives as long as its latest token. Tokens stop within 1 s when the session " +
    'ends or switches, the target is deactivated, deleted or re-created, or the impersonator loses its right (permission, allow list), its API key, ' +
    'is deactivated or deleted; a reactivated user revives no earlier token. An impersonation token cannot call this (403). ' +
    "A session is always its caller's: no query parameter names another impersonator here.",
  guard: authenticated('Any API key whose principal may impersonate, by the rule above.'),
  params: sessionParamsSchema,
  // Unknown parameters are a 400: an administrator cannot mint in another impersonator's name.
  query: z.strictObject({}),
  body: { schema: impersonateBodySchema },
  responses: { 200: { description: 'the minted token and its session', schema: mintedView } },
  errors: {
    400: 'invalid body, or a `useridTemplate` expansion that cannot be a userid',
    404: 'unknown or inactive user',
    409: 'the session impersonates another user (single-impersonation lock)',
  },
});

export const getImpersonationSession = route('getImpersonationSession', 'get', '/v1/impersonation/sessions/{sessionId}', {
  summary: 'the current state of a session (like SHOW SESSION)',
  description: "The caller's own session, or another impersonator's named with `impersonator=`. Another impersonator's id is a 404, as an unused one.",
  ...oneSession,
  responses: { 200: { description: 'the live session', schema: sessionView } },
});

export const endImpersonationSession = route('endImpersonationSession', 'delete', '/v1/impersonation/sessions/{sessionId}', {
  summary: 'end a session: every token of it stops working',
  description: `Its impersonator, or a \`USER_ADMIN\` naming it with \`impersonator=\` as a kill switch. ${ttlNote} Audited.`,
  ...oneSession,
  responses: { 204: { description: 'ended' } },
});

export const getJwks = route('getJwks', 'get', '/.well-known/jwks.json', {
  summary: 'the public ES256 keys of every token that may still be live (RFC 7517)',
  description: 'A replaced key stays published until every token it signed has expired.',
  guard: open(),
  responses: { 200: { description: 'the key set', schema: jwksView, headers: { 'Cache-Control': '`public, max-age=300`' } } },
});

/** The routes of the `impersonation` function. */
export const IMPERSONATION_ROUTES: readonly AnyRoute[] = [
  getImpersonationSettings,
  putImpersonationSettings,
  listImpersonationSessions,
  endImpersonationSessions,
  putImpersonationSession,
  getImpersonationSession,
  endImpersonationSession,
  getJwks,
];
