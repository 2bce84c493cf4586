import { PERMISSIONS, type Permission } from '#shared/model/identity.ts';
import type { ApiKeyRepository } from '#shared/store/api-keys.ts';
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
}

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
}): Authenticator {
  return {
    async apiKey(key) {
      if (!key || key.length > 512) throw new AuthenticationError('invalid api key');
      const hash = sha256Hex(key);
      const bootstrap = await deps.bootstrapKeyHash();
      if (bootstrap && digestsEqual(hash, bootstrap)) {
        return { principal: { type: 'service', id: 'admin' }, permissions: ALL, via: 'bootstrap' };
      }
      const record = await deps.apiKeys.getByHash(hash);
      if (!record || !digestsEqual(hash, record.hash)) throw new AuthenticationError('invalid api key');
      if (record.principal.type === 'service') {
        return { principal: record.principal, permissions: new Set(record.permissions), via: 'api-key', keyId: record.keyId };
      }
      const user = await deps.users.getProfile(record.principal.iamid, record.principal.id);
      if (!user) throw new AuthenticationError('the user of this api key no longer exists');
      if (!user.active) throw new AuthenticationError('the user of this api key is inactive');
      return { principal: record.principal, permissions: new Set(user.permissions), via: 'api-key', keyId: record.keyId };
    },
  };
}
