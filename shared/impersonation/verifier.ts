import { createLocalJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { auditId, userAuditId } from '#shared/audit/record.ts';
import type { ImpersonationVerifier } from '#shared/auth/authenticate.ts';
import { principalActor, type Caller } from '#shared/auth/caller.ts';
import { AuthenticationError } from '#shared/auth/errors.ts';
import type { Metrics } from '#shared/log/metrics.ts';
import type { Permission } from '#shared/model/identity.ts';
import type { ImpersonationSettings } from '#shared/model/impersonation.ts';
import type { AuditRepository } from '#shared/store/audit.ts';
import type { SigningKeyRepository } from '#shared/store/signing-keys.ts';
import type { TokenStateRepository } from '#shared/store/token-state.ts';
import { verdictOf } from './revocation.ts';
import { claimsSchema, minterOf } from './tokens.ts';

/**
 * How long a positive check (signature, session, user) is reused: a revocation reaches every
 * warm instance within this time.
 */
export const POSITIVE_CACHE_MS = 1000;
/** The JWKS is re-read this often, and at once (at most once a second) for an unknown `kid`. */
const KEYS_MAX_AGE_MS = 60_000;
const KEYS_MIN_REFRESH_MS = 1000;
const CACHE_LIMIT = 10_000;

const NO_PERMISSIONS: ReadonlySet<Permission> = new Set();

/** What the verifier reads and writes: the published keys, what tokens rest on, the audit trail, metrics. */
export interface VerifierDeps {
  readonly signingKeys: SigningKeyRepository;
  readonly tokenState: TokenStateRepository;
  readonly audit: AuditRepository;
  readonly metrics: Metrics;
}

/** Options of the verifier; `now` and `cacheMs` exist for tests and the benchmark. */
export interface VerifierOptions {
  readonly issuer: string;
  /** The impersonation settings while none are stored: the minting function's defaults. */
  readonly defaults: ImpersonationSettings;
  /** `WARDEN_REQUIRE_ALLOW_LIST`, as the minting function has it. */
  readonly requireAllowList: boolean;
  readonly cacheMs?: number;
  readonly now?: () => number;
}

/**
 * Verifies impersonation tokens with `jose` against the published public keys only
 * (ES256, `iss` and `aud` = the issuer, `exp`), then asks DynamoDB for a verdict on everything
 * the token rests on. The caller it yields acts as the target user with no permissions at all.
 */
export function createImpersonationVerifier(deps: VerifierDeps, options: VerifierOptions): ImpersonationVerifier {
  const { signingKeys, audit, metrics } = deps;
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? POSITIVE_CACHE_MS;
  const rules = { defaults: options.defaults, requireAllowList: options.requireAllowList };
  const cache = new Map<string, { caller: Caller; until: number }>();
  let keySet: { get: JWTVerifyGetKey; loadedAt: number } | undefined;

  async function keys(force: boolean): Promise<JWTVerifyGetKey> {
    const t = now();
    const stale = !keySet || t - keySet.loadedAt > KEYS_MAX_AGE_MS || (force && t - keySet.loadedAt > KEYS_MIN_REFRESH_MS);
    if (stale) keySet = { get: createLocalJWKSet({ keys: await signingKeys.publicKeys(Math.floor(t / 1000)) }), loadedAt: t };
    return keySet!.get;
  }

  async function verifySignature(token: string) {
    const opts = { issuer: options.issuer, audience: options.issuer, algorithms: ['ES256'], currentDate: new Date(now()) };
    try {
      return (await jwtVerify(token, await keys(false), opts)).payload;
    } catch (err) {
      // A key rotated in by another instance: refresh the JWKS once and try again.
      if (err instanceof errors.JWKSNoMatchingKey) return (await jwtVerify(token, await keys(true), opts)).payload;
      throw err;
    }
  }

  return {
    async verify(token) {
      const t = now();
      const hit = cache.get(token);
      if (hit && hit.until > t) return hit.caller;
      let payload;
      try {
        payload = await verifySignature(token);
      } catch (err) {
        if (!(err instanceof errors.JOSEError)) throw err;
        metrics.count('TokensRefused');
        throw new AuthenticationError(err instanceof errors.JWTExpired ? 'impersonation token expired' : 'invalid impersonation token');
      }
      const parsed = claimsSchema.safeParse(payload);
      const minter = parsed.success ? minterOf(parsed.data.act) : undefined;
      if (!parsed.success || !minter) {
        metrics.count('TokensRefused');
        throw new AuthenticationError('invalid impersonation token');
      }
      const claims = parsed.data;
      const impersonator = minter.principal;
      const verdict = await verdictOf(deps.tokenState, claims, minter, rules);
      if (!verdict.valid) {
        metrics.count('TokensRefused');
        await audit.write({
          actor: principalActor(impersonator),
          userId: userAuditId({ iamid: claims.iamid, userid: claims.sub }),
          impersonationUser: auditId(principalActor(impersonator)),
          sessionId: claims.sid,
          action: 'TOKEN_REVOKED_USE',
          actionStatus: 'UNAUTHORIZED',
          targetType: 'impersonationToken',
          targets: [claims.jti],
          payload: { reason: verdict.reason, user: { iamid: claims.iamid, userid: claims.sub } },
        });
        throw new AuthenticationError(`impersonation token revoked: ${verdict.reason}`);
      }
      metrics.count('TokensVerified');
      const caller: Caller = {
        principal: { type: 'user', iamid: claims.iamid, id: claims.sub },
        permissions: NO_PERMISSIONS,
        via: 'impersonation',
        impersonation: { impersonator, sessionId: claims.sid, jti: claims.jti, expiresAt: claims.exp },
      };
      if (cacheMs > 0) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(token, { caller, until: Math.min(t + cacheMs, claims.exp * 1000) });
      }
      return caller;
    },
  };
}
