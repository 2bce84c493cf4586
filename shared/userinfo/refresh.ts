import type { AuditInput } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import type { ExternalSource } from '#shared/store/iams.ts';
import { applyExternal, changed, externalSourceAudit } from './apply.ts';
import { fetchExternal } from './fetch.ts';

/** After a failure the source is asked again sooner than the TTL, but not on every request. */
const FAILURE_BACKOFF_MS = 30_000;

/** The audited reason of a refresh that failed for a reason of Warden's own (details are logged). */
const INTERNAL_ERROR = 'internal error';

/** What refreshing a user's external values reads and writes. */
export type RefreshServices = Pick<Services, 'iams' | 'users' | 'groups' | 'externalState' | 'audit' | 'log' | 'config'>;

/** What a refresh did. */
export type RefreshOutcome = 'no-source' | 'unknown-user' | 'cached' | 'unchanged' | 'updated' | 'failed';

/** Options of a refresh. */
export interface RefreshOptions {
  /** Ask the source even when the cached answer is still fresh (sync). */
  readonly force?: boolean;
  /** The IAM's source when the caller already read it (sync of many users). */
  readonly source?: ExternalSource;
}

function isFresh(state: { checkedAt: number; lastError?: string } | undefined, ttlMs: number, now: number): boolean {
  if (!state) return false;
  const window = state.lastError ? Math.min(ttlMs, FAILURE_BACKOFF_MS) : ttlMs;
  return now - state.checkedAt < window;
}

function failureAudit(iamid: string, userid: string, reason: string, keptValuesFrom: number | undefined): AuditInput {
  return externalSourceAudit(iamid, userid, { reason, keptValuesFrom: keptValuesFrom ? new Date(keptValuesFrom).toISOString() : null }, 'FAILURE');
}

async function refresh(services: RefreshServices, iamid: string, userid: string, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const source = options.source ?? (await services.iams.get(iamid))?.externalSource;
  if (!source) return 'no-source';
  const states = services.externalState;
  const state = await states.get(iamid, userid);
  if (!options.force && isFresh(state, source.ttlSeconds * 1000, Date.now())) return 'cached';

  const outcome = await fetchExternal(source, userid, { allowedHosts: services.config.externalSourceAllowedHosts });
  if (!outcome.ok) {
    services.log.warn('external source failed', { iamid, userid, reason: outcome.reason });
    await services.audit.write(failureAudit(iamid, userid, outcome.reason, state?.succeededAt));
    await states.put(iamid, userid, { checkedAt: Date.now(), ...(state?.succeededAt ? { succeededAt: state.succeededAt } : {}), lastError: outcome.reason });
    return 'failed';
  }
  const user = await services.users.get(iamid, userid);
  if (!user) return 'unknown-user';
  const applied = await applyExternal(services, user, outcome.info);
  const at = Date.now();
  await states.put(iamid, userid, { checkedAt: at, succeededAt: at });
  return changed(applied) ? 'updated' : 'unchanged';
}

/**
 * Brings a user's `external` values up to date from its IAM's external source, unless the
 * last answer is younger than `ttlSeconds`. Never throws, and every failure is audited as an
 * `EXTERNAL_SOURCE` FAILURE: a refused target, a failing, slow (> 2 s), malformed or non-200
 * answer keeps the last good values; a failure of Warden's own (an answer the store refuses, a
 * store outage) is audited as `internal error` with the details in the log.
 */
export async function refreshExternal(services: RefreshServices, iamid: string, userid: string, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  try {
    return await refresh(services, iamid, userid, options);
  } catch (err) {
    services.log.error('external refresh failed', { iamid, userid, error: err instanceof Error ? err.message : String(err) });
    try {
      await services.audit.write(failureAudit(iamid, userid, INTERNAL_ERROR, undefined));
    } catch (auditErr) {
      services.log.error('audit write failed', { iamid, userid, error: auditErr instanceof Error ? auditErr.message : String(auditErr) });
    }
    return 'failed';
  }
}
