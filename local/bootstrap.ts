import { serve, type ServerType } from '@hono/node-server';
import { newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { readConfig, type Config } from '#shared/config.ts';
import type { LogLevel } from '#shared/log/logger.ts';
import { BUILT_IN_IAM } from '#shared/model/identity.ts';
import { decisionService } from '#shared/decision-service/index.ts';
import { createServices, type DecidingServices } from '#shared/services.ts';
import { createDb } from '#shared/store/client.ts';
import { backfillCatalogIndex } from '#shared/store/catalog-backfill.ts';
import { backfillGroupAttributes } from '#shared/store/group-attributes-backfill.ts';
import { ensureTables } from '#shared/store/create-tables.ts';
import { createConsoleApp } from '#functions/console/app.tsx';
import { createFunctionApps, createLocalServer } from './compose.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalDynamo, type LocalDynamo } from './dynamo.ts';
import { seedCatalog } from '#shared/demo/catalog.ts';
import { seedIdentities } from './seed/identities.ts';
import { startExternalSync } from '#shared/userinfo/sync.ts';
import { startGroupPurge } from '#functions/scim/group-purge.ts';
import { startArtifactBuilder } from '#shared/decision-service/snapshot-artifact-build.ts';
import { snapshotLoader } from '#shared/decision-service/snapshot-loader.ts';

/** How to run Warden locally. */
export interface LocalOptions {
  readonly port?: number;
  readonly host?: string;
  readonly adminKey?: string;
  readonly scimToken?: string;
  readonly seed?: boolean;
  readonly dataDir?: string;
  /** Use a running DynamoDB instead of starting DynamoDB Local. */
  readonly dynamoEndpoint?: string;
  /** Prefix of table names, so test suites can share one DynamoDB Local. */
  readonly tablePrefix?: string;
  readonly logLevel?: LogLevel;
  /** The configuration (`npm start` reads it once); default: read from the environment now. */
  readonly config?: Config;
}

/** A running local Warden. */
export interface LocalWarden {
  readonly url: string;
  readonly adminKey: string;
  readonly scimToken: string;
  readonly services: DecidingServices;
  stop(): Promise<void>;
}

/** Builds services over a DynamoDB endpoint, with the tables created and the `okta` IAM in place. */
export async function prepareServices(options: LocalOptions & { dynamoEndpoint: string }): Promise<{ services: DecidingServices; adminKey: string; scimToken: string }> {
  const db = createDb({ endpoint: options.dynamoEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, tablePrefix: options.tablePrefix ?? '' });
  await ensureTables(db);
  const adminKey = options.adminKey ?? newSecret('wdn');
  const scimToken = options.scimToken ?? newSecret('scim');
  const adminHash = sha256Hex(adminKey);
  const base = options.config ?? readConfig(process.env);
  const issuer = `http://${options.host ?? '127.0.0.1'}:${options.port ?? base.local.port}`;
  const config: Config = { ...base, issuer, logLevel: options.logLevel ?? base.logLevel };
  const services = createServices(db, config, { bootstrapKeyHash: async () => adminHash, decisions: decisionService });
  // A catalog kept from a version before the listing index (`--data-dir`) is indexed once.
  const backfill = await backfillCatalogIndex(db);
  if (backfill.tooLarge.length) services.log.warn('data sources too large for the listing index are left out of listings', { ids: backfill.tooLarge });
  // … and its groups stored before the attributes item get one.
  const moved = await backfillGroupAttributes(db);
  if (moved.tooLarge.length) services.log.warn('groups whose attributes exceed one item keep one item per key', { groups: moved.tooLarge });
  // The signing key is generated at first start and kept in the sessions table (reused with --data-dir).
  await services.signer.ready();
  const okta = await services.iams.get('okta');
  await services.iams.put({
    id: 'okta',
    name: 'Okta',
    scim: { ...okta?.scim, enabled: true, tokenHash: sha256Hex(scimToken) },
    ...(okta?.externalSource ? { externalSource: okta.externalSource } : {}),
  });
  if (!(await services.iams.get(BUILT_IN_IAM))) await services.iams.put({ id: BUILT_IN_IAM, name: 'Built-in', scim: { enabled: false } });
  if (options.seed ?? true) await seedIdentities(services);
  if (options.seed ?? true) await seedCatalog(services);
  return { services, adminKey, scimToken };
}

/** How often the local runtime purges the memberships of deleted groups (every minute in AWS). */
const GROUP_PURGE_MS = 5_000;

/** How often the local runtime brings the snapshot artifact up to date (the stream batches changes in AWS). */
const ARTIFACT_BUILD_MS = 5_000;

/** Starts DynamoDB Local (unless an endpoint is given), the tables, the seed and the one HTTP server. */
export async function startLocal(options: LocalOptions = {}): Promise<LocalWarden> {
  let dynamo: LocalDynamo | undefined;
  const endpoint = options.dynamoEndpoint ?? (dynamo = await startLocalDynamo(options.dataDir ? { dataDir: options.dataDir } : {})).endpoint;
  try {
    const { services, adminKey, scimToken } = await prepareServices({ ...options, dynamoEndpoint: endpoint });
    const server = createLocalServer(createFunctionApps(services), services.config.version, createConsoleApp());
    const host = options.host ?? '127.0.0.1';
    const { httpServer, port } = await new Promise<{ httpServer: ServerType; port: number }>((resolve, reject) => {
      const s = serve({ fetch: server.fetch, port: options.port ?? 8080, hostname: host }, (info) => resolve({ httpServer: s, port: info.port }));
      s.on('error', reject);
    });
    // Stands in for the EventBridge rule that invokes the userinfo sync entry in AWS.
    const stopSync = startExternalSync(services, services.config.local.syncIntervalMs);
    // Stands in for the function the change records' stream invokes in AWS: built once now, after the seed.
    // Stands in for the scheduled function that purges deleted groups' memberships in AWS.
    const stopPurge = startGroupPurge(services, GROUP_PURGE_MS);
    const stopArtifact = startArtifactBuilder({ loader: snapshotLoader(services), artifacts: services.snapshotArtifacts, log: services.log }, ARTIFACT_BUILD_MS);
    return {
      url: `http://${host}:${port}`,
      adminKey,
      scimToken,
      services,
      stop: async () => {
        stopSync();
        stopPurge();
        await stopArtifact();
        await new Promise<void>((resolve) => httpServer.close(() => resolve()));
        services.db.doc.destroy();
        services.db.raw.destroy();
        await dynamo?.stop();
      },
    };
  } catch (err) {
    await dynamo?.stop();
    throw err;
  }
}
