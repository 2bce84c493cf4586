import type { ExternalSource } from '#shared/store/iams.ts';
import { immutaUserInfoSchema, type ImmutaUserInfo } from './immuta-body.ts';

/** Hard limit on one call to an external source: a decision never waits longer. */
export const EXTERNAL_TIMEOUT_MS = 2000;

/** Largest answer read from an external source. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** The outcome of asking an external source about one user; never a thrown error. */
export type FetchOutcome = { readonly ok: true; readonly info: ImmutaUserInfo } | { readonly ok: false; readonly reason: string };

/** The URL asked for a user: `<uri>?userid=<userid>`, keeping any query the uri already has. */
export function externalUrl(uri: string, userid: string): URL {
  const url = new URL(uri);
  url.searchParams.set('userid', userid);
  return url;
}

/**
 * Asks `GET <uri>?userid=` with the configured auth, within `timeoutMs` for the whole exchange
 * (headers and body). Any non-200 answer means "no info" (as in Immuta), reported as a failure.
 */
export async function fetchExternal(source: ExternalSource, userid: string, timeoutMs = EXTERNAL_TIMEOUT_MS): Promise<FetchOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (source.auth.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${source.auth.username}:${source.auth.password}`).toString('base64')}`;
    }
    const res = await fetch(externalUrl(source.uri, userid), { headers, signal: controller.signal, redirect: 'error' });
    if (res.status !== 200) {
      await res.body?.cancel();
      return { ok: false, reason: `source answered status ${res.status}` };
    }
    const text = await res.text();
    if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) return { ok: false, reason: 'answer exceeds 1 MiB' };
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return { ok: false, reason: 'answer is not JSON' };
    }
    const parsed = immutaUserInfoSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, reason: `malformed answer: \`${issue?.path.join('.') ?? ''}\`: ${issue?.message ?? 'invalid'}` };
    }
    return { ok: true, info: parsed.data };
  } catch (err) {
    if (controller.signal.aborted) return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, reason: `request failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}
