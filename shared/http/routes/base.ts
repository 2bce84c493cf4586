import * as z from 'zod';
import { DOCS_ASSETS, type DocsAsset } from '../docs-assets.ts';
import { open } from '../guard.ts';
import { route, type AnyRoute } from '../route.ts';

/** `GET /health`: the function is up, and which version it runs. */
export const getHealth = route('getHealth', 'get', '/health', {
  summary: 'liveness and version',
  description: 'Every function answers it; in AWS the one the path table names answers for the API.',
  guard: open(),
  responses: { 200: { description: 'the function is up', schema: z.object({ status: z.literal('ok'), version: z.string() }) } },
});

/** The OpenAPI document, as far as `/openapi.json` promises its shape. */
export const openApiDocumentView = z.object({
  openapi: z.literal('3.1.0'),
  info: z.object({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
export type OpenApiDocument = z.infer<typeof openApiDocumentView>;

/** `GET /openapi.json`: the document of every non-SCIM path, generated from the declared routes. */
export const getOpenApiDocument = route('getOpenApiDocument', 'get', '/openapi.json', {
  summary: 'this document: OpenAPI 3.1 of every non-SCIM path',
  description: 'Generated from the routes as each function declares them, with their schemas and the permission each requires.',
  guard: open(),
  responses: {
    200: { description: 'the OpenAPI 3.1 document', schema: openApiDocumentView },
  },
});

/** `GET /docs`: the human-readable reference, rendered from this document. */
export const getDocs = route('getDocs', 'get', '/docs', {
  summary: 'the API reference, for people: this document rendered by Swagger UI',
  description: 'Served with its scripts and styles by Warden itself, so it renders where the internet is out of reach.',
  guard: open(),
  responses: { 200: { description: 'an HTML page that loads `/openapi.json`', contentType: 'text/html' } },
});

/** One static file of the reference, served from the function's own copy of `swagger-ui-dist`. */
const docsAssetRoute = (name: DocsAsset, operationId: string) =>
  route(operationId, 'get', `/docs/${name}`, {
    summary: `\`${name}\` of the API reference (Swagger UI)`,
    guard: open(),
    responses: { 200: { description: name, contentType: DOCS_ASSETS[name].split(';')[0]!, headers: { 'Cache-Control': '`public, max-age=86400`' } } },
  });

export const getDocsScript = docsAssetRoute('swagger-ui-bundle.js', 'getDocsScript');
export const getDocsStyles = docsAssetRoute('swagger-ui.css', 'getDocsStyles');

/** The routes every function serves. */
export const BASE_ROUTES: readonly AnyRoute[] = [getHealth, getOpenApiDocument, getDocs, getDocsScript, getDocsStyles];
