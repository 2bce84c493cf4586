import { PERMISSIONS, type Permission } from '#shared/model/identity.ts';
import { issuedFor, type ApiKeyRepository } from '#shared/store/api-keys.ts';
import { uidOf } from '#shared/store/identity.ts';
import type { UserRepository } from '#shared/store/users.ts';
import type { Caller } from './caller.ts';
import { AuthenticationError } from './errors.ts';
import { digestsEqual, sha256Hex } from './secrets.ts';

/** Verifies impersonation tokens (JWTs); supplied by the impersonation module. */
export interface ImpersonationVerifier {
  /** The caller a valid, unrevoked token stands for; `AuthenticationError` otherwise. */
  verify(token: string): Promise<Caller>;
}

/** Where credentials are checked. */
export interface Authenticator {
  /** The caller behind a bearer API key; `AuthenticationError` when unknown. */
  apiKey(key: string): Promise<Caller>;
  /** The caller behind the API key of this SHA-256 (a console session's key), judged as `apiKey` would judge the key now. */
  apiKeyHash(hash: string): Promise<Caller>;
  /** Drops a key from this instance's cache at once (it was just deleted here). */
  forget(hash: string): void;
}

/**
 * How long a successful key lookup is reused by one function instance. A deleted key, or a
 * deactivated user's key, stops working everywhere within this time (at once where deleted).
 */
export const DEFAULT_AUTH_CACHE_MS = 1000;
const MAX_CACHED_KEYS = 10_000;

const ALL: ReadonlySet<Permission> = new Set(PERMISSIONS);

/** True when a bearer credential has the shape of a JWT rather than an API key. */
export function looksLikeJwt(credential: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(credential);
}

/** Checks API keys against the stored hashes and the bootstrap admin key. */
export function createAuthenticator(deps: {
  apiKeys: ApiKeyRepository;
  users: UserRepository;
  /** Hash of the bootstrap admin key (env locally, Secrets Manager in AWS). */
  bootstrapKeyHash: () => Promise<string | undefined>;
  cacheMs?: number;
}): Authenticator {
  const cacheMs = deps.cacheMs ?? DEFAULT_AUTH_CACHE_MS;
  // The lookup itself is cached, so that the requests that find an entry expired (a busy
  // instance has dozens in flight) share one read instead of each sending its own.
  const cache = new Map<string, { caller: Promise<Caller>; until: number }>();
  const lookup = async (hash: string): Promise<Caller> => {
    const bootstrap = await deps.bootstrapKeyHash();
    if (bootstrap && digestsEqual(hash, bootstrap)) {
      return { principal: { type: 'service', id: 'admin' }, permissions: ALL, via: 'bootstrap' };
    }
    return lookupStored(deps, hash);
  };
  const byHash = (hash: string): Promise<Caller> => {
    const now = Date.now();
    const hit = cache.get(hash);
    if (hit && hit.until > now) return hit.caller;
    const caller = lookup(hash);
    if (cacheMs <= 0) return caller;
    if (cache.size >= MAX_CACHED_KEYS) cache.clear();
    // Counted from before the read, so a key deleted while it ran is refused within `cacheMs`.
    const entry = { caller, until: now + cacheMs };
    cache.set(hash, entry);
    // A refusal or a failed read is shared by the requests already waiting, never kept.
    caller.catch(() => cache.get(hash) === entry && cache.delete(hash));
    return caller;
  };
  return {
    async apiKey(key) {
      if (!key || key.length > 512) throw new AuthenticationError('invalid api key');
      return byHash(sha256Hex(key));
    },
    apiKeyHash: byHash,
    forget(hash) {
      cache.delete(hash);
    },
  };
}

/**
 * The caller of a stored key: a service key's own permissions, or its user's, when that user is
 * active and is the very identity the key was issued for (not a later user of the same userid).
 */
async function lookupStored(deps: { apiKeys: ApiKeyRepository; users: UserRepository }, hash: string): Promise<Caller> {
  const record = await deps.apiKeys.getByHash(hash);
  if (!record || !digestsEqual(hash, record.hash)) throw new AuthenticationError('invalid api key');
  const key = { via: 'api-key', keyId: record.keyId } as const;
  if (record.principal.type === 'service') return { principal: record.principal, permissions: new Set(record.permissions), ...key };
  const user = await deps.users.getProfile(record.principal.iamid, record.principal.id);
  if (!user || !issuedFor(record, user)) throw new AuthenticationError('the user of this api key no longer exists');
  if (!user.active) throw new AuthenticationError('the user of this api key is inactive');
  return { principal: record.principal, permissions: new Set(user.permissions), ...key, uid: uidOf(user) };
}
