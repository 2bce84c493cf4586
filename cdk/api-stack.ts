import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { TABLE_NAMES, tableEnvVar, type TableName } from '#shared/store/tables.ts';
import { CONSOLE_PREFIX, functionFor } from '#shared/http/path-prefixes.ts';
import { CONSOLE_BUNDLE_FILES, DOCS_BUNDLE_FILES, ENTRIES } from './bundling.ts';
import { CatalogBackfill } from './catalog-backfill.ts';
import { gatewayPaths, ROUTES, type ApiFunctionName } from './routes.ts';
import { GroupPurge } from './group-purge.ts';
import { ScheduledFunction } from './scheduled-function.ts';
import { SnapshotArtifactFunction } from './snapshot-artifact-function.ts';
import { WardenFunction } from './warden-function.ts';
import { WardenHttpApi } from './warden-http-api.ts';
import { grantTables, type TableGrants, type WardenTable } from './warden-table.ts';

export interface ApiStackProps extends StackProps {
  /** The tables of the data stack. */
  readonly tables: Readonly<Record<TableName, WardenTable>>;
  /**
   * Deploy-time defaults of the impersonation settings, as Databricks' cluster variables:
   * `WARDEN_ALLOWED_IMPERSONATORS`, `WARDEN_SINGLE_IMPERSONATION_USER`,
   * `WARDEN_USER_MAPPING_IAMID`, `WARDEN_IMPERSONATION_TTL_SECONDS`, and
   * `WARDEN_REQUIRE_ALLOW_LIST`. Every function that mints or verifies tokens gets them: a
   * token is judged on use by the same rule and settings it was minted under.
   * @default none: the built-in defaults apply until `PUT /v1/settings/impersonation`
   */
  readonly impersonationDefaults?: Readonly<Record<string, string>>;
}

/** Least privilege: each function gets the tables it reads or writes, nothing more. */
const TABLE_GRANTS: Readonly<Record<ApiFunctionName, TableGrants>> = {
  scim: { identities: 'readWrite', audit: 'append' },
  // Sessions: it accepts impersonation tokens, so it checks their revocation. Catalog and
  // policies: it answers GET /v1/users/{iamid}/{userid}/data-sources from the policy snapshot;
  // marking an IAM trusted for policies updates the trust item and bumps the snapshot version.
  userinfo: { identities: 'readWrite', catalog: 'read', policies: 'readUpdateSnapshot', sessions: 'read', audit: 'append' },
  // Audit reads: it serves GET /v1/audit.
  policy: { catalog: 'readWrite', policies: 'readWrite', identities: 'read', sessions: 'read', audit: 'readAppend' },
  impersonation: { sessions: 'readWrite', identities: 'read', audit: 'append' },
};

const SYNC_TABLE_GRANTS: TableGrants = { identities: 'readWrite', audit: 'append' };
/** The artifact builder reads the catalog and policies (and the change records), and writes only the artifact's partitions. */
const ARTIFACT_TABLE_GRANTS: TableGrants = { catalog: 'read', policies: 'readWriteArtifact' };

const SETTINGS: Readonly<Record<ApiFunctionName, { description: string; memorySize: number }>> = {
  scim: { description: 'Warden SCIM 2.0 provisioning', memorySize: 512 },
  userinfo: { description: 'Warden users, groups, IAMs, API keys and /userinfo', memorySize: 512 },
  // Decisions and simulations evaluate the whole policy snapshot in memory; CPU follows memory.
  policy: { description: 'Warden catalog, policies, decisions and audit', memorySize: 1024 },
  impersonation: { description: 'Warden impersonation sessions and tokens', memorySize: 512 },
};

/** Warden's stateless side: the four API functions, the user-info sync, the HTTP API and keys. */
export class ApiStack extends Stack {
  readonly api: WardenHttpApi;
  readonly functions: Readonly<Record<ApiFunctionName, WardenFunction>>;
  readonly userInfoSync: ScheduledFunction;
  /** Keeps the snapshot artifact current, invoked by the change records' stream. */
  readonly snapshotArtifact: SnapshotArtifactFunction;
  /** The console's pages; a client of the API like any other, it holds no table, key or secret. */
  readonly console: WardenFunction;
  /** The bootstrap admin API key: every process that authenticates API keys reads it. */
  readonly adminKey: Secret;
  /** The ES256 key of impersonation tokens: signers get `kms:Sign`, verifiers `kms:GetPublicKey`. */
  readonly signingKey: Key;
  /** Removes the memberships of deleted groups, after the deletion answered. */
  readonly groupPurge: GroupPurge;
  /** Brings tables stored by an earlier version up to this one, on deploy (the listing index, groups' attributes items). */
  readonly catalogBackfill: CatalogBackfill;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const adminKey = (this.adminKey = new Secret(this, 'AdminApiKey', {
      description: 'Warden bootstrap admin API key (every permission)',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    }));
    Validations.of(adminKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'bootstrap key for the first login only; operators replace it through POST/DELETE /v1/api-keys, which a rotation Lambda could not coordinate with clients',
    });
    // KMS rather than a key in a secret: the ES256 private key never leaves the HSM, so even a
    // function compromise cannot copy it, only ask for signatures while it runs.
    const signingKey = (this.signingKey = new Key(this, 'SigningKey', {
      description: 'Warden ES256 impersonation token signing key',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
    }));
    this.api = new WardenHttpApi(this, 'Http');

    const environment: Record<string, string> = {
      WARDEN_ADMIN_KEY_SECRET_ARN: adminKey.secretArn,
      WARDEN_SIGNING_KEY_ARN: signingKey.keyArn,
      WARDEN_ISSUER: this.api.url,
      LOG_LEVEL: 'INFO',
    };
    // Every function learns every table name (names are not privileges; grants below are).
    for (const name of TABLE_NAMES) environment[tableEnvVar(name)] = props.tables[name].table.tableName;

    const functions = {} as Record<ApiFunctionName, WardenFunction>;
    for (const name of Object.keys(ROUTES) as ApiFunctionName[]) {
      const fn = new WardenFunction(this, name, {
        entry: ENTRIES[name],
        ...SETTINGS[name],
        ...(functionFor('/docs') === name ? { files: DOCS_BUNDLE_FILES } : {}),
        environment: {
          ...environment,
          ...(name === 'scim' ? {} : props.impersonationDefaults),
          POWERTOOLS_SERVICE_NAME: `warden-${name}`,
        },
      });
      grantTables(fn.fn, props.tables, TABLE_GRANTS[name]);
      adminKey.grantRead(fn.fn);
      this.api.addFunctionRoutes(`${name}-integration`, fn.fn, ROUTES[name]);
      functions[name] = fn;
    }
    this.functions = functions;
    signingKey.grant(functions.impersonation.fn, 'kms:Sign', 'kms:GetPublicKey');
    // Verifiers of impersonation tokens fetch only the public key.
    signingKey.grant(functions.policy.fn, 'kms:GetPublicKey');
    signingKey.grant(functions.userinfo.fn, 'kms:GetPublicKey');

    // The console asks the API at the request's own origin, so it needs not even the API's URL
    // (which would make the function depend on the API it is a route of).
    this.console = new WardenFunction(this, 'console', {
      entry: ENTRIES.console,
      description: 'Warden console (server-rendered pages over the API)',
      files: CONSOLE_BUNDLE_FILES,
      environment: { LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: 'warden-console' },
    });
    this.api.addFunctionRoutes('console-integration', this.console.fn, gatewayPaths(CONSOLE_PREFIX, 'both'));

    this.userInfoSync = new ScheduledFunction(this, 'UserInfoSync', {
      entry: ENTRIES.userinfoSync,
      description: 'Warden sync of external user-info sources',
      timeout: Duration.seconds(60),
      environment: { ...environment, POWERTOOLS_SERVICE_NAME: 'warden-userinfo-sync' },
    });
    grantTables(this.userInfoSync.function.fn, props.tables, SYNC_TABLE_GRANTS);
    this.groupPurge = new GroupPurge(this, 'GroupPurge', { identities: props.tables.identities, environment });
    this.catalogBackfill = new CatalogBackfill(this, 'CatalogBackfill', { catalog: props.tables.catalog, identities: props.tables.identities });

    this.snapshotArtifact = new SnapshotArtifactFunction(this, 'SnapshotArtifact', { policies: props.tables.policies, environment });
    grantTables(this.snapshotArtifact.function.fn, props.tables, ARTIFACT_TABLE_GRANTS);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'AdminApiKeySecretArn', { value: adminKey.secretArn });
    new CfnOutput(this, 'SigningKeyArn', { value: signingKey.keyArn });
  }
}
