import type * as z from 'zod';
import {
  accessRequestBodySchema,
  accessRequestListQuerySchema,
  accessRequestListView,
  accessRequestParamsSchema,
  accessRequestView,
  approveBodySchema,
  denyBodySchema,
} from '#shared/model/access-request.ts';
import { authenticated } from '../guard.ts';
import { route, type AnyRoute } from '../route.ts';

/** Who decides is a rule on stored data (the source's owners), so the handler enforces it. */
const DECIDERS = 'An owner of the data source (matched by `(iamid, userid)`), or a caller with permission `GOVERNANCE`.';

export const requestAccess = route('requestAccess', 'post', '/v1/access-requests', {
  summary: 'request access to a data source, for oneself (users only)',
  guard: authenticated('A user, for itself: a service account is refused.'),
  body: { schema: accessRequestBodySchema, readByHandler: true },
  responses: { 201: { description: 'the pending request', schema: accessRequestView } },
  errors: { 404: 'unknown data source' },
});

export const listAccessRequests = route('listAccessRequests', 'get', '/v1/access-requests', {
  summary: "a data source's access requests, or without `dataSource` the caller's own",
  guard: authenticated("With `dataSource`: an owner of the source or a caller with permission `GOVERNANCE`; with `toDecide=true`: anyone, for the pending requests it may decide; without either a user, for its own requests."),
  query: accessRequestListQuerySchema,
  responses: { 200: { description: 'the requests, of `state` if given', schema: accessRequestListView } },
  errors: { 400: 'invalid query, or no `dataSource` from a service account', 404: 'unknown data source' },
});

export const getAccessRequest = route('getAccessRequest', 'get', '/v1/access-requests/{id}', {
  summary: 'an access request',
  guard: authenticated('The requester, an owner of the data source, or a caller with permission `GOVERNANCE`.'),
  params: accessRequestParamsSchema,
  responses: { 200: { description: 'the request', schema: accessRequestView } },
  errors: { 404: 'unknown access request' },
});

/** `POST /v1/access-requests/{id}/approve|deny`: an owner's or a governor's verdict on a pending request. */
const verdictRoute = <S extends z.ZodType>(verdict: 'approve' | 'deny', summary: string, schema: S, answer: string) =>
  route(`${verdict}AccessRequest`, 'post', `/v1/access-requests/{id}/${verdict}`, {
    summary,
    description: '`decidedBy` in the answer and the audit record names the decider: `okta/jdoe`, or `service:name`.',
    guard: authenticated(DECIDERS),
    params: accessRequestParamsSchema,
    body: { schema, optional: true, readByHandler: true },
    responses: { 200: { description: answer, schema: accessRequestView } },
    errors: { 404: 'unknown access request', 409: 'not pending' },
  });

export const approveAccessRequest = verdictRoute(
  'approve',
  'approve a pending request: grants access while every policy on the source allows requests, until `expiresAt`',
  approveBodySchema,
  'the approved request',
);
export const denyAccessRequest = verdictRoute('deny', 'deny a pending request', denyBodySchema, 'the denied request');

/** The access-request routes of the `policy` function. */
export const ACCESS_REQUEST_ROUTES: readonly AnyRoute[] = [requestAccess, listAccessRequests, getAccessRequest, approveAccessRequest, denyAccessRequest];
