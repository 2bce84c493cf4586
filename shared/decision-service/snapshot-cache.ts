import { compileSnapshot, deriveSnapshot, type Snapshot, type SnapshotDelta } from '#shared/policy/index.ts';
import { buildSnapshot } from './snapshot-build.ts';
import type { SnapshotLoader } from './snapshot-loader.ts';

/** A compiled snapshot and the version it was built at. */
export interface LoadedSnapshot {
  readonly snapshot: Snapshot;
  readonly version: number;
}

/**
 * Keeps the compiled catalog + policies in memory. A check reads the snapshot version item (one
 * GetItem); when the version moved it reads what changed and derives the next snapshot from the
 * current one (a Query, a BatchGetItem and a recompilation of what the changes touch).
 * Concurrent callers share one in-flight check. The time of a check is taken before the version
 * is read, so a change committed before a check is in its snapshot.
 *
 * A decision is answered from a snapshot whose check began less than `refreshMs` before it. Once
 * the last check is half that old, a decision starts the next one in the background and is
 * answered from the current snapshot without waiting for it: under steady traffic no decision
 * waits on a refresh, and a change is still in every decision that starts `refreshMs` after it
 * was acknowledged. Only a decision that finds the last check a whole interval old (an idle
 * instance, or `refreshMs` 0) waits for the check.
 *
 * An instance's first snapshot is read from the stored artifact, when there is one, and the
 * changes since it (see `first`).
 *
 * When the changes cannot be read (expired, too many, a trust change), the whole input is
 * loaded and compiled in the background while the current snapshot keeps answering: no
 * decision waits for a full rebuild once a snapshot exists, only the first one of an instance.
 */
export class SnapshotCache {
  private loaded: LoadedSnapshot | undefined;
  private checkedAt = -Infinity;
  private inflight: Promise<LoadedSnapshot> | undefined;
  private rebuilding: Promise<void> | undefined;

  constructor(
    private readonly loader: SnapshotLoader,
    private readonly refreshMs: number,
    /** Told of a delta that cannot be applied, a failed background check and a failed rebuild (the current snapshot keeps answering). */
    private readonly report: (error: unknown) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The snapshot, checked in the background past half of `refreshMs` and waited for past all of it (never waiting on a rebuild). */
  current(): Promise<LoadedSnapshot> {
    const loaded = this.loaded;
    const age = this.clock() - this.checkedAt;
    if (loaded && (this.rebuilding || age < this.refreshMs / 2)) return Promise.resolve(loaded);
    if (loaded && age < this.refreshMs) {
      // A failure is reported here; a decision that finds the interval over waits for the next check.
      this.check().catch(this.report);
      return Promise.resolve(loaded);
    }
    return this.waited(this.clock());
  }

  /**
   * The snapshot of a check that began after this call (the version read strongly consistently,
   * then the changes since it): every change acknowledged before the call is in it. Undefined
   * when a full rebuild is in flight or the check had to start one: only a full load can say.
   */
  async fresh(): Promise<LoadedSnapshot | undefined> {
    const asked = this.clock();
    if (this.rebuilding) return undefined;
    const loaded = await this.waited(asked, 0);
    return this.checkedAt >= asked && !this.rebuilding ? loaded : undefined;
  }

  /** The snapshot of a check begun at most `window` before `asked`: a shared check that began earlier (a slow one) is followed by another. */
  private async waited(asked: number, window = this.refreshMs): Promise<LoadedSnapshot> {
    const loaded = await this.check();
    if (this.rebuilding || this.checkedAt >= asked - window) return loaded;
    return this.check();
  }

  private check(): Promise<LoadedSnapshot> {
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(): Promise<LoadedSnapshot> {
    const started = this.clock();
    const version = await this.loader.version();
    const loaded = this.loaded;
    let next: LoadedSnapshot;
    if (!loaded) {
      next = await this.first(version);
    } else if (loaded.version === version) {
      next = loaded;
    } else {
      const delta = await this.loader.delta(loaded.version, version);
      const derived = delta && this.derive(loaded.snapshot, delta);
      if (!derived) {
        this.rebuild(started, version);
        return loaded;
      }
      next = { snapshot: derived, version };
    }
    this.loaded = next;
    this.checkedAt = started;
    return next;
  }

  /**
   * The first snapshot of an instance at `version` or later: the artifact and the changes made
   * since it was built, or (none, or the changes cannot be read) the whole store compiled in one
   * go, the quickest way when nothing answers yet.
   */
  private async first(version: number): Promise<LoadedSnapshot> {
    const built = await this.loader.artifact();
    if (built && built.version >= version) return built;
    const delta = built && (await this.loader.delta(built.version, version));
    const derived = delta && this.derive(built.snapshot, delta);
    if (derived) return { snapshot: derived, version };
    return { snapshot: compileSnapshot(await this.loader.full()), version };
  }

  /** The next snapshot, or undefined when the delta cannot be applied (reported; a rebuild follows). */
  private derive(snapshot: Snapshot, delta: SnapshotDelta): Snapshot | undefined {
    try {
      return deriveSnapshot(snapshot, delta);
    } catch (error) {
      // An item the compile cannot read must not fail every decision from now on.
      this.report(error);
      return undefined;
    }
  }

  private rebuild(started: number, version: number): void {
    this.rebuilding = (async () => {
      const input = await this.loader.full();
      this.loaded = { snapshot: await buildSnapshot(input, this.loaded?.snapshot), version };
      this.checkedAt = started;
    })()
      // The current snapshot keeps answering; the next check tries again.
      .catch(this.report)
      .finally(() => {
        this.rebuilding = undefined;
      });
  }
}
