import type { RelationCatalog } from '../sql/resolve.ts';

/** One session on the backend, speaking the raw protocol after its own startup and authentication. */
export interface BackendConnection {
  /** Writes frontend messages, in order. */
  send(bytes: Buffer): void;
  /** Backend messages arrive here as bytes, in order (one listener). */
  onData(listener: (chunk: Buffer) => void): void;
  /** The session ended (the backend closed it, or it failed). */
  onClose(listener: (err?: Error) => void): void;
  /** What the backend reported at startup (`server_version`, `DateStyle` …). */
  readonly parameters: ReadonlyMap<string, string>;
  /** Asks the backend to cancel what this session is running. */
  cancel(): Promise<void>;
  close(): void;
}

/** A PostgreSQL (or compatible) server the engine sits in front of. */
export interface Backend {
  /** The database the sessions are connected to: the `database` of the data sources the engine enforces. */
  readonly database: string;
  /** The role the sessions log in as (what `$user` in a search path names). */
  readonly user: string;
  /** The backend's relations and functions, for resolving names. */
  readonly catalog: BackendCatalog;
  /** Opens a session; `application` is the client's `application_name`. */
  connect(application: string | undefined): Promise<BackendConnection>;
  close(): Promise<void>;
}

/** The relations and functions of a backend, as one query lists them. */
export interface CatalogListing {
  readonly relations: ReadonlyArray<readonly [schema: string, name: string]>;
  readonly functions: ReadonlyArray<readonly [schema: string, name: string]>;
}

/** Every relation of every schema, and the functions outside the system schemas. */
export const CATALOG_SQL = {
  relations: `SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p')`,
  functions: `SELECT DISTINCT n.nspname, p.proname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')`,
} as const;

const key = (schema: string, name: string) => `${schema}\u0000${name}`;

/** How often a catalog that can change is read again in the background, and at most how often a miss reads it. */
const REFRESH_MS = 10_000;
const MISS_REFRESH_MS = 1000;

/**
 * The backend's names, in memory so resolving a name costs no round trip. A backend other
 * sessions can change (a real server) is read again every 10 s and on a miss (at most once a
 * second); staleness cannot leak data, since every reference the engine resolves is written
 * schema-qualified, so the backend reads exactly the relation that was decided on.
 */
export class BackendCatalog implements RelationCatalog {
  private relations = new Set<string>();
  private functions = new Set<string>();
  private loadedAt = -Infinity;
  private inflight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly list: () => Promise<CatalogListing>,
    private readonly changes: boolean,
  ) {}

  /** Reads the catalog once; then, for a backend that changes, every 10 s. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.changes) {
      this.timer = setInterval(() => void this.refresh().catch(() => undefined), REFRESH_MS);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  hasRelation(schema: string, name: string): boolean {
    return this.relations.has(key(schema, name));
  }

  hasFunction(schema: string, name: string): boolean {
    return this.functions.has(key(schema, name));
  }

  /** Reads the catalog again after a miss, unless it cannot change or was read within the last second; true when it did. */
  async refreshAfterMiss(): Promise<boolean> {
    if (!this.changes || performance.now() - this.loadedAt < MISS_REFRESH_MS) return false;
    await this.refresh();
    return true;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.list()
      .then((listing) => {
        this.relations = new Set(listing.relations.map(([s, n]) => key(s, n)));
        this.functions = new Set(listing.functions.map(([s, n]) => key(s, n)));
        this.loadedAt = performance.now();
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
