import * as z from 'zod';
import type { ImpersonationSettings } from './model/impersonation.ts';
import { BUILT_IN_IAM, iamIdSchema } from './model/identity.ts';
import { requireAllowListFromEnv, settingsFromEnv } from './impersonation/settings.ts';
import { LOG_LEVELS, type LogLevel } from './log/logger.ts';
import { TABLE_NAMES, tableEnvVar, type TableName } from './store/tables.ts';

/**
 * Every setting of a Warden process, read once from the environment by `readConfig` (README,
 * "Configuration", lists each variable with its default and meaning).
 */
export interface Config {
  /** Running as an AWS Lambda function (`AWS_LAMBDA_FUNCTION_NAME` is set). */
  readonly inAws: boolean;
  /** Base URL of the API: the `iss` and `aud` of impersonation tokens. */
  readonly issuer: string;
  /** The IAM of a user named without one (owners, allow lists, decisions, listings). */
  readonly defaultIam: string;
  readonly version: string;
  /** The `service` of every log line and metric (`POWERTOOLS_SERVICE_NAME`, one per function). */
  readonly serviceName: string;
  readonly logLevel: LogLevel;
  /** Emit CloudWatch metrics (EMF lines on stdout). */
  readonly metrics: boolean;
  /** Check every success answer against its route's declared schema (off in AWS, where nothing can act on a mismatch). */
  readonly checkReplies: boolean;
  readonly dynamoEndpoint?: string;
  /** Physical table names (Lambda); locally the logical names, prefixed. */
  readonly tableNames: Partial<Record<TableName, string>>;
  readonly adminKeySecretArn?: string;
  readonly signingKeyArn?: string;
  /** Hosts an external source may be despite a private address. */
  readonly externalSourceAllowedHosts: readonly AllowedHost[];
  readonly snapshotRefreshMs: number;
  /** The impersonation settings while none are stored. */
  readonly impersonationDefaults: ImpersonationSettings;
  /** Users need a place on the allow list besides `IMPERSONATE_USER`. */
  readonly requireAllowList: boolean;
  /** How long a console sign-in lasts, whatever the activity (`WARDEN_CONSOLE_SESSION_TTL_SECONDS`). */
  readonly consoleSessionTtlSeconds: number;
  /** The local runtime only (`npm start`). */
  readonly local: { readonly port: number; readonly adminKey?: string; readonly scimToken?: string; readonly syncIntervalMs: number };
  /** The query engine (`query-engine/`): its port, its backend, what passes through, its TLS certificate. */
  readonly queryEngine: QueryEngineConfig;
}

/** The query engine's settings (README, "Query engine"). */
export interface QueryEngineConfig {
  readonly port: number;
  /** A `postgres://` URL to the backend; absent: the embedded demo database. */
  readonly backendUrl?: string;
  /** Schemas whose tables pass through unchanged (the system catalogs always do). */
  readonly passThroughSchemas: readonly string[];
  /** PEM certificate and key (file paths): TLS for clients that ask for it. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

/** The package version, reported by `/health`. */
export const VERSION = '0.1.0';

/** A host, optionally with a port, exempt from the external-source address checks. */
export interface AllowedHost {
  /** As `URL.hostname` normalises it: lowercase, IPv4 in dotted form, IPv6 in brackets. */
  readonly host: string;
  /** Absent: every port. */
  readonly port?: number;
}

/** The configuration cannot be used: every problem, each naming its variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** An entry of `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS` that is not a `host` or `host:port`. */
export class InvalidAllowedHostError extends Error {
  override readonly name = 'InvalidAllowedHostError';
  constructor(entry: string) {
    super(`invalid WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS entry \`${entry}\`: expected \`host\` or \`host:port\` (IPv6 in brackets)`);
  }
}

/** Parses `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`: comma-separated `host` or `host:port`. */
export function parseAllowedHosts(text: string): AllowedHost[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const url = URL.canParse(`http://${entry}`) ? new URL(`http://${entry}`) : undefined;
      if (!url || url.username || url.password || url.pathname !== '/' || url.search || url.hash || entry.includes('/')) {
        throw new InvalidAllowedHostError(entry);
      }
      // `URL` drops a port equal to the scheme's default, so read it from the entry itself.
      const port = /\]?:(\d+)$/.exec(entry)?.[1];
      return { host: url.hostname, ...(port !== undefined ? { port: Number(port) } : {}) };
    });
}

/** An unset or empty variable is absent: `FOO=` never means the empty value. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());
const milliseconds = (fallback: number) => optional(z.coerce.number().int().min(0)).transform((v) => v ?? fallback);
const level = z
  .string()
  .transform((v) => v.toLowerCase())
  .pipe(z.enum(LOG_LEVELS));

const envSchema = z.object({
  AWS_LAMBDA_FUNCTION_NAME: optional(z.string()),
  WARDEN_ISSUER: optional(z.url()),
  WARDEN_DEFAULT_IAM: optional(iamIdSchema),
  LOG_LEVEL: optional(level),
  POWERTOOLS_SERVICE_NAME: optional(z.string()),
  WARDEN_METRICS: optional(z.enum(['on', 'off'])),
  WARDEN_CHECK_REPLIES: optional(z.enum(['on', 'off'])),
  DYNAMODB_ENDPOINT: optional(z.url()),
  WARDEN_ADMIN_KEY_SECRET_ARN: optional(z.string()),
  WARDEN_SIGNING_KEY_ARN: optional(z.string()),
  WARDEN_SNAPSHOT_REFRESH_MS: milliseconds(1000),
  WARDEN_CONSOLE_SESSION_TTL_SECONDS: optional(z.coerce.number().int().min(60).max(43_200)).transform((v) => v ?? 3600),
  PORT: optional(z.coerce.number().int().min(0).max(65_535)).transform((v) => v ?? 8080),
  WARDEN_ADMIN_API_KEY: optional(z.string()),
  WARDEN_SCIM_TOKEN: optional(z.string()),
  WARDEN_SYNC_INTERVAL_MS: optional(z.coerce.number().int().min(1000)).transform((v) => v ?? 300_000),
  WARDEN_QUERY_ENGINE_PORT: optional(z.coerce.number().int().min(0).max(65_535)).transform((v) => v ?? 5433),
  WARDEN_QUERY_BACKEND_URL: optional(z.url({ protocol: /^postgres(ql)?$/ })),
  WARDEN_QUERY_PASS_THROUGH_SCHEMAS: optional(z.string()),
  WARDEN_QUERY_TLS_CERT_FILE: optional(z.string()),
  WARDEN_QUERY_TLS_KEY_FILE: optional(z.string()),
});

/** The value of a parser that names its variable in its own errors; a failure is noted in `problems`. */
function parsed<T>(problems: string[], parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

/**
 * Reads and checks the configuration. Anything malformed is refused wherever Warden runs; in
 * AWS Lambda the issuer and every table name are required too (no silent local fallback).
 * Every problem is reported at once in one `ConfigError`.
 */
export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = envSchema.safeParse(env);
  const problems = result.success ? [] : result.error.issues.map((i) => `\`${i.path.join('.')}\`: ${i.message}`);
  const hosts = parsed(problems, () => parseAllowedHosts(env.WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS ?? ''));
  const defaultIam = (result.success && result.data.WARDEN_DEFAULT_IAM) || BUILT_IN_IAM;
  const impersonationDefaults = parsed(problems, () => settingsFromEnv(env, defaultIam));
  const requireAllowList = parsed(problems, () => requireAllowListFromEnv(env));
  const e = result.data;
  const inAws = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const tableNames: Partial<Record<TableName, string>> = {};
  for (const n of TABLE_NAMES) if (env[tableEnvVar(n)]) tableNames[n] = env[tableEnvVar(n)];
  if (inAws) {
    const missing = [...(e?.WARDEN_ISSUER ? [] : ['WARDEN_ISSUER']), ...TABLE_NAMES.filter((n) => !tableNames[n]).map(tableEnvVar)];
    for (const name of missing) problems.push(`\`${name}\`: required in AWS Lambda`);
  }
  if (e && Boolean(e.WARDEN_QUERY_TLS_CERT_FILE) !== Boolean(e.WARDEN_QUERY_TLS_KEY_FILE)) {
    problems.push('`WARDEN_QUERY_TLS_CERT_FILE` and `WARDEN_QUERY_TLS_KEY_FILE`: set both or neither');
  }
  if (!e || problems.length || !hosts || !impersonationDefaults || requireAllowList === undefined) {
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return {
    inAws,
    issuer: e.WARDEN_ISSUER ?? `http://127.0.0.1:${e.PORT}`,
    defaultIam,
    version: VERSION,
    serviceName: e.POWERTOOLS_SERVICE_NAME ?? 'warden',
    logLevel: e.LOG_LEVEL ?? (inAws ? 'info' : 'warn'),
    metrics: (e.WARDEN_METRICS ?? (inAws ? 'on' : 'off')) === 'on',
    checkReplies: (e.WARDEN_CHECK_REPLIES ?? (inAws ? 'off' : 'on')) === 'on',
    ...(e.DYNAMODB_ENDPOINT ? { dynamoEndpoint: e.DYNAMODB_ENDPOINT } : {}),
    tableNames,
    ...(e.WARDEN_ADMIN_KEY_SECRET_ARN ? { adminKeySecretArn: e.WARDEN_ADMIN_KEY_SECRET_ARN } : {}),
    ...(e.WARDEN_SIGNING_KEY_ARN ? { signingKeyArn: e.WARDEN_SIGNING_KEY_ARN } : {}),
    externalSourceAllowedHosts: hosts,
    snapshotRefreshMs: e.WARDEN_SNAPSHOT_REFRESH_MS,
    impersonationDefaults,
    requireAllowList,
    consoleSessionTtlSeconds: e.WARDEN_CONSOLE_SESSION_TTL_SECONDS,
    local: {
      port: e.PORT,
      ...(e.WARDEN_ADMIN_API_KEY ? { adminKey: e.WARDEN_ADMIN_API_KEY } : {}),
      ...(e.WARDEN_SCIM_TOKEN ? { scimToken: e.WARDEN_SCIM_TOKEN } : {}),
      syncIntervalMs: e.WARDEN_SYNC_INTERVAL_MS,
    },
    queryEngine: {
      port: e.WARDEN_QUERY_ENGINE_PORT,
      ...(e.WARDEN_QUERY_BACKEND_URL ? { backendUrl: e.WARDEN_QUERY_BACKEND_URL } : {}),
      passThroughSchemas: (e.WARDEN_QUERY_PASS_THROUGH_SCHEMAS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      ...(e.WARDEN_QUERY_TLS_CERT_FILE && e.WARDEN_QUERY_TLS_KEY_FILE ? { tls: { certFile: e.WARDEN_QUERY_TLS_CERT_FILE, keyFile: e.WARDEN_QUERY_TLS_KEY_FILE } } : {}),
    },
  };
}
