import { problemOf, WardenApiError } from './errors.ts';
import { OPERATIONS, type OperationId, type RouteOf } from './operations.ts';
import type { ReplyOf, RequestArgs } from './types.ts';

/** How to reach Warden. */
export interface ClientOptions {
  /** The API's base URL, such as `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`; absent: no credential (a browser session's cookie, say). */
  readonly apiKey?: string;
  /** The `fetch` to use (default: the global one): a test's, or one that adds `credentials: 'include'`. */
  readonly fetch?: typeof fetch;
  /** Headers sent with every request (`user-agent`, `x-request-id`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The typed client of the API: one `request` per declared operation. */
export interface WardenClient {
  readonly baseUrl: string;
  /**
   * Calls an operation with its path parameters, query and body; resolves to the success answer
   * (status, typed body, `ETag`), rejects with a `WardenApiError` for any other status.
   */
  request<K extends OperationId>(operationId: K, ...args: RequestArgs<RouteOf<K>>): Promise<ReplyOf<RouteOf<K>>>;
}

interface LooseInput {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** `/v1/users/{iamid}/{userid}` with each parameter URL-encoded (a userid may hold `@` or `/`). */
export function expandPath(path: string, params: Readonly<Record<string, string>> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter \`${name}\``);
    return encodeURIComponent(value);
  });
}

function queryString(query: LooseInput['query']): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A client of the Warden API over `fetch`: it runs in Node and in a browser alike. */
export function createWardenClient(options: ClientOptions): WardenClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const send = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    baseUrl,
    async request(operationId, ...args) {
      const operation = OPERATIONS[operationId];
      const input = (args[0] ?? {}) as LooseInput;
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...input.headers };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      if (input.body !== undefined) headers['content-type'] = 'application/json';
      const res = await send(`${baseUrl}${expandPath(operation.path, input.params)}${queryString(input.query)}`, {
        method: operation.method.toUpperCase(),
        headers,
        ...(input.body !== undefined ? { body: JSON.stringify(input.body) } : {}),
      });
      const text = await res.text();
      if (res.status < 200 || res.status >= 300) throw new WardenApiError(operationId, res.status, problemOf(res.status, res.statusText, text));
      const body: unknown = text ? JSON.parse(text) : null;
      return { status: res.status, body, etag: res.headers.get('etag') ?? undefined, headers: res.headers } as ReplyOf<RouteOf<typeof operationId>>;
    },
  };
}
