import { Readable } from 'node:stream';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';
import { vi } from 'vitest';
import type { Db } from '#shared/store/client.ts';

/** What DynamoDB answers one call, instead of DynamoDB: a status and a JSON body. */
export interface WireAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * Answers calls of `db.raw` on the wire, below every middleware (its middleware is resolved
 * once, so a middleware added in a test would never run): `answer` gets each call's JSON body
 * and returns DynamoDB's answer, or undefined to let DynamoDB Local answer. Returns the restore.
 */
export function answerRawCalls(db: Db, answer: (body: Record<string, unknown>) => WireAnswer | undefined): () => void {
  const handler = db.raw.config.requestHandler as RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions>;
  const real = handler.handle.bind(handler);
  const spy = vi.spyOn(handler, 'handle').mockImplementation(async (request: HttpRequest, options?: HttpHandlerOptions) => {
    const answered = answer(JSON.parse(String(request.body)) as Record<string, unknown>);
    if (!answered) return real(request, options);
    const body = Buffer.from(JSON.stringify(answered.body));
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.length) };
    return { response: { statusCode: answered.status, headers, body: Readable.from([body]) } };
  });
  return () => spy.mockRestore();
}
