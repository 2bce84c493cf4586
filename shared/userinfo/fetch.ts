import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ExternalSource } from '#shared/store/iams.ts';
import { immutaUserInfoSchema, type ImmutaUserInfo } from './immuta-body.ts';
import type { AllowedHost } from '#shared/config.ts';
import { checkedLookup, isAllowedHost, RefusedTargetError, refusedHost, systemResolver, type Resolver } from './target.ts';

/** Hard limit on one call to an external source: a decision never waits longer. */
export const EXTERNAL_TIMEOUT_MS = 2000;

/** Largest answer read from an external source. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The outcome of asking an external source about one user; never a thrown error. A failure's
 * `reason` comes from a fixed set of phrases and never carries an address, port or system error
 * text, so the audit cannot be used to map what the source's network can reach.
 */
export type FetchOutcome = { readonly ok: true; readonly info: ImmutaUserInfo } | { readonly ok: false; readonly reason: string };

/** How a source is asked. */
export interface FetchOptions {
  /** Hosts exempt from the address checks (`WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`). */
  readonly allowedHosts?: readonly AllowedHost[];
  readonly timeoutMs?: number;
  /** How names are resolved; the system resolver by default. */
  readonly resolver?: Resolver;
}

/** The URL asked for a user: `<uri>?userid=<userid>`, keeping any query the uri already has. */
export function externalUrl(uri: string, userid: string): URL {
  const url = new URL(uri);
  url.searchParams.set('userid', userid);
  return url;
}

function headersOf(source: ExternalSource): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (source.auth.type === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${source.auth.username}:${source.auth.password}`).toString('base64')}`;
  }
  return headers;
}

/** One GET without redirects, connection pooling or compression, through the given lookup. */
function get(url: URL, headers: Record<string, string>, lookup: LookupFunction, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { headers, lookup, signal, agent: false }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The body, read as it streams in and abandoned once it exceeds `max` bytes (then undefined). */
async function readCapped(res: IncomingMessage, max: number): Promise<Buffer | undefined> {
  if (Number(res.headers['content-length']) > max) {
    res.destroy();
    return undefined;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    // Leaving the loop destroys the stream: the rest is never read.
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The fixed phrase of a failed exchange. */
function failureReason(err: unknown): string {
  if (err instanceof RefusedTargetError) return err.message;
  const code = String((err as NodeJS.ErrnoException | undefined)?.code ?? '');
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return 'host does not resolve';
  if (/CERT|TLS|SSL/.test(code)) return 'tls handshake failed';
  return 'connection failed';
}

function parseAnswer(body: Buffer): FetchOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'answer is not JSON' };
  }
  const parsed = immutaUserInfoSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `malformed answer: \`${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, info: parsed.data };
}

/**
 * Asks `GET <uri>?userid=` with the configured auth, within `timeoutMs` for the whole exchange
 * (headers and body). The host must pass `refusedHost` and every address its name resolves to
 * must pass `refusedAddress` (unless allowed); the connection goes to the checked addresses.
 * Any non-200 answer means "no info" (as in Immuta), reported as a failure.
 */
export async function fetchExternal(source: ExternalSource, userid: string, options: FetchOptions = {}): Promise<FetchOutcome> {
  const timeoutMs = options.timeoutMs ?? EXTERNAL_TIMEOUT_MS;
  const allowed = options.allowedHosts ?? [];
  const url = externalUrl(source.uri, userid);
  const refused = refusedHost(url, allowed);
  if (refused) return { ok: false, reason: `refused target: ${refused}` };
  const lookup = checkedLookup(options.resolver ?? systemResolver, !isAllowedHost(url, allowed));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const res = await get(url, headersOf(source), lookup, controller.signal);
    if (res.statusCode !== 200) {
      res.destroy();
      return { ok: false, reason: `source answered status ${res.statusCode}` };
    }
    const body = await readCapped(res, MAX_ANSWER_BYTES);
    return body === undefined ? { ok: false, reason: 'answer exceeds 1 MiB' } : parseAnswer(body);
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, reason: failureReason(err) };
  } finally {
    clearTimeout(timer);
  }
}
