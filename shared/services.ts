import { AuditWriter } from './audit/writer.ts';
import { createAuthenticator, type Authenticator, type ImpersonationVerifier } from './auth/authenticate.ts';
import { createLogger, type Logger } from './http/logger.ts';
import { DEFAULT_IAM } from './model/identity.ts';
import { ApiKeyRepository } from './store/api-keys.ts';
import type { Db } from './store/client.ts';
import { GroupRepository } from './store/groups.ts';
import { IamRepository } from './store/iams.ts';
import { UserRepository } from './store/users.ts';
import { parseAllowedHosts, type AllowedHost } from './userinfo/target.ts';

/** Deployment settings every function shares. */
export interface Config {
  /** Base URL of the API: the `iss` and `aud` of impersonation tokens. */
  readonly issuer: string;
  readonly defaultIam: string;
  readonly version: string;
  /** Hash of the bootstrap admin key, resolved lazily (Secrets Manager in AWS). */
  readonly bootstrapKeyHash: () => Promise<string | undefined>;
  /** Hosts an external source may be despite a private address (env `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`). */
  readonly externalSourceAllowedHosts: readonly AllowedHost[];
}

/** The repositories and collaborators a function app is built from. */
export interface Services {
  readonly db: Db;
  readonly config: Config;
  readonly log: Logger;
  readonly audit: AuditWriter;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly iams: IamRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly authenticator: Authenticator;
  /** Verifies impersonation tokens where they are accepted; absent → such tokens are refused. */
  readonly impersonation?: ImpersonationVerifier;
}

/** The package version, reported by `/health`. */
export const VERSION = '0.1.0';

/** Wires repositories over one database. */
export function createServices(
  db: Db,
  config: Partial<Config> & Pick<Config, 'bootstrapKeyHash'>,
  extra: { impersonation?: ImpersonationVerifier; log?: Logger; authCacheMs?: number } = {},
): Services {
  const audit = new AuditWriter(db);
  const users = new UserRepository(db, audit);
  const apiKeys = new ApiKeyRepository(db, audit, users);
  return {
    db,
    config: {
      issuer: 'http://127.0.0.1:8080',
      defaultIam: DEFAULT_IAM,
      version: VERSION,
      externalSourceAllowedHosts: parseAllowedHosts(process.env.WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS ?? ''),
      ...config,
    },
    log: extra.log ?? createLogger('warden'),
    audit,
    users,
    groups: new GroupRepository(db, audit),
    iams: new IamRepository(db, audit),
    apiKeys,
    authenticator: createAuthenticator({ apiKeys, users, bootstrapKeyHash: config.bootstrapKeyHash, ...(extra.authCacheMs !== undefined ? { cacheMs: extra.authCacheMs } : {}) }),
    ...(extra.impersonation ? { impersonation: extra.impersonation } : {}),
  };
}
