import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storeError } from './errors.ts';
import { TABLE_NAMES, type TableName } from './tables.ts';

/** A DynamoDB document client, a low-level client for hot writes, and the physical names of Warden's tables. */
export interface Db {
  readonly doc: DynamoDBDocumentClient;
  /**
   * The low-level client of the audit's group commits, sent items already marshalled. It
   * resolves its middleware once per command (the SDK's `cacheMiddleware`, which the document
   * client refuses); with the items marshalled once, a lone write spends a third less in the
   * SDK. Middleware added to it after its first call is never run.
   */
  readonly raw: DynamoDBClient;
  readonly tables: Readonly<Record<TableName, string>>;
}

/** Options to reach DynamoDB; without an endpoint the SDK's default (AWS) is used. */
export interface DbOptions {
  readonly endpoint?: string;
  readonly region?: string;
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Prefix of local table names, so several test suites can share one DynamoDB Local. */
  readonly tablePrefix?: string;
  /** Physical names (from Lambda environment); defaults to prefix + logical name. */
  readonly tableNames?: Partial<Record<TableName, string>>;
}

const silent = () => {};
/**
 * The SDK's logger: silent, and without `info`, for which the SDK would otherwise run its
 * sensitive-data filter over every call's whole input and output (a batch of audit records,
 * a catalog page) to build a line nothing writes. The SDK calls `info` only as `info?.()`.
 */
const SDK_LOGGER = { debug: silent, warn: silent, error: silent } as unknown as NonNullable<DynamoDBClientConfig['logger']>;

/** How items are marshalled, by the document client and for the low-level one alike: undefined is dropped. */
export const MARSHALL_OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

/** A low-level client whose failures reach callers as Warden's store errors. */
function lowLevelClient(options: DbOptions, cacheMiddleware: boolean): DynamoDBClient {
  const client = new DynamoDBClient({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    logger: SDK_LOGGER,
    cacheMiddleware,
  });
  // Outermost, so it sees what is left after the SDK's own retries: a throttled or failing
  // DynamoDB reaches callers as a `StoreUnavailableError` (503), never as a raw SDK error.
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw storeError(err);
      }
    },
    { step: 'initialize', name: 'wardenStoreErrors' },
  );
  return client;
}

/** Builds the clients; the document client drops undefined from items. */
export function createDb(options: DbOptions = {}): Db {
  const client = lowLevelClient(options, false);
  const doc = DynamoDBDocumentClient.from(client, {
    // A copy: the document client sets options of its own on the object it is given while it sends.
    marshallOptions: { ...MARSHALL_OPTIONS },
  });
  const prefix = options.tablePrefix ?? '';
  const tables = Object.fromEntries(
    TABLE_NAMES.map((n) => [n, options.tableNames?.[n] ?? `${prefix}${n}`]),
  ) as Record<TableName, string>;
  return { doc, raw: lowLevelClient(options, true), tables };
}
