import { compileSnapshot, type Snapshot, type SnapshotInput } from '#shared/policy/index.ts';

/** A compiled snapshot and what it was compiled from. */
export interface LoadedSnapshot {
  readonly snapshot: Snapshot;
  readonly input: SnapshotInput;
  readonly version: number;
}

/**
 * Keeps the compiled catalog + policies in memory. At most once per `refreshMs` it reads the
 * snapshot version item (one GetItem) and recompiles when the version moved; concurrent callers
 * share one in-flight check. The time of a check is taken before the version is read, so a
 * change committed before a check is always in the snapshot that check yields.
 */
export class SnapshotCache {
  private loaded: LoadedSnapshot | undefined;
  private checkedAt = -Infinity;
  private inflight: Promise<LoadedSnapshot> | undefined;

  constructor(
    private readonly readVersion: () => Promise<number>,
    private readonly load: () => Promise<SnapshotInput>,
    private readonly refreshMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The snapshot, refreshed when the last check is older than `refreshMs`. */
  current(): Promise<LoadedSnapshot> {
    if (this.loaded && this.clock() - this.checkedAt < this.refreshMs) return Promise.resolve(this.loaded);
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(): Promise<LoadedSnapshot> {
    const started = this.clock();
    const version = await this.readVersion();
    if (!this.loaded || this.loaded.version !== version) {
      const input = await this.load();
      this.loaded = { snapshot: compileSnapshot(input, this.loaded?.snapshot), input, version };
    }
    this.checkedAt = started;
    return this.loaded;
  }
}
