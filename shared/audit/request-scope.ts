import { AsyncLocalStorage } from 'node:async_hooks';

/** The ids of the request being served: ours, and the `x-request-id` the client sent, if any. */
export interface RequestIds {
  readonly requestId: string;
  readonly clientRequestId?: string;
}

const scope = new AsyncLocalStorage<RequestIds>();

/**
 * Runs `fn` as part of a request. Every audit record completed inside it carries the request's
 * ids, also those written deep in a module that never sees the HTTP context (token verification,
 * external refreshes), so no record of a request can lose them.
 */
export function runInRequest<T>(ids: RequestIds, fn: () => T): T {
  return scope.run(ids, fn);
}

/** The ids of the request being served, or undefined outside any. */
export function currentRequest(): RequestIds | undefined {
  return scope.getStore();
}
