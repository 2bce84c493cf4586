import * as z from 'zod';
import { open } from '../guard.ts';
import { route, type AnyRoute } from '../route.ts';

/** `GET /health`: the function is up, and which version it runs. */
export const getHealth = route({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  summary: 'liveness and version',
  description: 'Every function answers it; in AWS the one the path table names answers for the API.',
  guard: open(),
  responses: { 200: { description: 'the function is up', schema: z.object({ status: z.literal('ok'), version: z.string() }) } },
});

/** `GET /openapi.json`: the document of every non-SCIM path, generated from the declared routes. */
export const getOpenApiDocument = route({
  method: 'get',
  path: '/openapi.json',
  operationId: 'getOpenApiDocument',
  summary: 'this document: OpenAPI 3.1 of every non-SCIM path',
  description: 'Generated from the routes as each function declares them, with their schemas and the permission each requires.',
  guard: open(),
  responses: {
    200: {
      description: 'the OpenAPI 3.1 document',
      schema: z.object({ openapi: z.literal('3.1.0'), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.record(z.string(), z.unknown())) }),
    },
  },
});

/** The routes every function serves. */
export const BASE_ROUTES: readonly AnyRoute[] = [getHealth, getOpenApiDocument];
