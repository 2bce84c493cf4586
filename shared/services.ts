import { createAuthenticator, type Authenticator, type ImpersonationVerifier } from './auth/authenticate.ts';
import { ConsoleSessions } from './auth/console-session.ts';
import type { Config } from './config.ts';
import type { DecisionDeps, DecisionService } from './decision-service/service.ts';
import { LocalSigner } from './impersonation/local-signer.ts';
import { refusingSigner, type TokenSigner } from './impersonation/signer.ts';
import { createImpersonationVerifier } from './impersonation/verifier.ts';
import { createLogger, type Logger } from './log/logger.ts';
import { createMetrics, NO_METRICS, type Metrics } from './log/metrics.ts';
import { AccessRequestRepository } from './store/access-requests.ts';
import { ApiKeyRepository } from './store/api-keys.ts';
import { AuditBatcher } from './store/audit-batch.ts';
import { AuditRepository } from './store/audit.ts';
import { CatalogRepository } from './store/catalog.ts';
import { ConsoleSessionRepository } from './store/console-sessions.ts';
import type { Db } from './store/client.ts';
import { ExternalStateRepository } from './store/external-state.ts';
import { GroupRepository } from './store/groups.ts';
import { IamTrustRepository } from './store/iam-trust.ts';
import { SnapshotArtifactRepository } from './store/snapshot-artifact.ts';
import { IamRepository } from './store/iams.ts';
import { ImpersonationSettingsRepository } from './store/impersonation-settings.ts';
import { IntegrationRepository } from './store/integrations.ts';
import { MembershipRepository } from './store/memberships.ts';
import { PolicyRepository } from './store/policies.ts';
import { SessionRepository } from './store/sessions.ts';
import { SigningKeyRepository } from './store/signing-keys.ts';
import { TokenStateRepository } from './store/token-state.ts';
import { UserRepository } from './store/users.ts';

/** Every repository and collaborator a function app, a job or the local runtime is built from. */
export interface Services {
  readonly db: Db;
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** The clock of sessions, tokens and settings caches (tests move it). */
  readonly now: () => number;
  readonly audit: AuditRepository;
  readonly auditBatcher: AuditBatcher;
  readonly users: UserRepository;
  readonly groups: GroupRepository;
  readonly iams: IamRepository;
  readonly iamTrust: IamTrustRepository;
  /** The compiled snapshot's stored input, read by a cold instance instead of the whole store. */
  readonly snapshotArtifacts: SnapshotArtifactRepository;
  readonly apiKeys: ApiKeyRepository;
  readonly externalState: ExternalStateRepository;
  readonly catalog: CatalogRepository;
  readonly policies: PolicyRepository;
  readonly accessRequests: AccessRequestRepository;
  /** The query-engine integrations (Trino clusters) and their hashed credentials. */
  readonly integrations: IntegrationRepository;
  readonly sessions: SessionRepository;
  readonly impersonationSettings: ImpersonationSettingsRepository;
  readonly signingKeys: SigningKeyRepository;
  readonly tokenState: TokenStateRepository;
  readonly signer: TokenSigner;
  readonly authenticator: Authenticator;
  /** Console sign-in sessions: cookie secrets exchanged for an API key. */
  readonly consoleSessions: ConsoleSessions;
  /** Verifies impersonation tokens where routes accept them. */
  readonly impersonation: ImpersonationVerifier;
  /**
   * Decisions over the compiled policy snapshot: present where an entry point asked for it
   * (`ServiceOptions.decisions`), so functions that never decide do not bundle the engine.
   */
  readonly decisions?: DecisionService;
}

/** Services of an entry point that decides (the policy and userinfo functions, the local runtime). */
export type DecidingServices = Services & { readonly decisions: DecisionService };

/** Builds the decision service; an entry point that decides passes `decisionService` from `decision-service/`. */
export type DecisionServiceFactory = (deps: DecisionDeps) => DecisionService;

/** What is not configuration: secrets resolved at run time, and the seams tests and entry points set. */
export interface ServiceOptions {
  /** Hash of the bootstrap admin key, resolved lazily (Secrets Manager in AWS). */
  readonly bootstrapKeyHash: () => Promise<string | undefined>;
  /** The token signer over the signing keys; default: a local key (refusing to mint in AWS). */
  readonly signer?: (keys: SigningKeyRepository) => TokenSigner;
  readonly log?: Logger;
  readonly metrics?: Metrics;
  readonly now?: () => number;
  readonly authCacheMs?: number;
  /** How long a verified impersonation token is reused (default 1 s). */
  readonly verifierCacheMs?: number;
  /** Builds the decision service, for entry points that decide. */
  readonly decisions?: DecisionServiceFactory;
}

/** Builds every repository and collaborator once, over one database: the composition root. */
export function createServices(db: Db, config: Config, options: ServiceOptions & { readonly decisions: DecisionServiceFactory }): DecidingServices;
export function createServices(db: Db, config: Config, options: ServiceOptions): Services;
export function createServices(db: Db, config: Config, options: ServiceOptions): Services {
  const now = options.now ?? Date.now;
  const log = options.log ?? createLogger({ service: config.serviceName, level: config.logLevel });
  const metrics = options.metrics ?? (config.metrics ? createMetrics({ service: config.serviceName }) : NO_METRICS);
  const audit = new AuditRepository(db);
  const users = new UserRepository(db, audit);
  const groups = new GroupRepository(db, audit, new MembershipRepository(db, audit));
  const apiKeys = new ApiKeyRepository(db, audit, users);
  const signingKeys = new SigningKeyRepository(db);
  const tokenState = new TokenStateRepository(db);
  const repositories = {
    db,
    config,
    log,
    metrics,
    now,
    audit,
    auditBatcher: new AuditBatcher(db, audit, log),
    users,
    groups,
    iams: new IamRepository(db, audit),
    iamTrust: new IamTrustRepository(db),
    snapshotArtifacts: new SnapshotArtifactRepository(db),
    apiKeys,
    externalState: new ExternalStateRepository(db),
    catalog: new CatalogRepository(db, audit, config.defaultIam),
    policies: new PolicyRepository(db, audit),
    accessRequests: new AccessRequestRepository(db, audit),
    integrations: new IntegrationRepository(db, audit),
    sessions: new SessionRepository(db, audit),
    impersonationSettings: new ImpersonationSettingsRepository(db, audit, config.impersonationDefaults, now),
    signingKeys,
    tokenState,
  };
  const authenticator = createAuthenticator({ apiKeys, users, bootstrapKeyHash: options.bootstrapKeyHash, ...(options.authCacheMs !== undefined ? { cacheMs: options.authCacheMs } : {}) });
  const signer = options.signer ? options.signer(signingKeys) : config.inAws ? refusingSigner('WARDEN_SIGNING_KEY_ARN') : new LocalSigner(signingKeys, now);
  return {
    ...repositories,
    signer,
    authenticator,
    consoleSessions: new ConsoleSessions(new ConsoleSessionRepository(db, audit), authenticator, config.consoleSessionTtlSeconds, now),
    // Every function verifies impersonation tokens the same way: JWKS and revocation from the sessions table.
    impersonation: createImpersonationVerifier(repositories, {
      issuer: config.issuer,
      defaults: config.impersonationDefaults,
      requireAllowList: config.requireAllowList,
      now,
      ...(options.verifierCacheMs !== undefined ? { cacheMs: options.verifierCacheMs } : {}),
    }),
    ...(options.decisions ? { decisions: options.decisions(repositories) } : {}),
  };
}
