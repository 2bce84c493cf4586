import { compileSnapshot, deriveSnapshot, type Snapshot, type SnapshotInput } from '#shared/policy/index.ts';

/** How many sources are compiled between two yields to the event loop. */
const SLICE = 2000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Compiles `input` (sources in id order, as the catalog scan yields them) a slice of sources at
 * a time, yielding to the event loop between slices: decisions answered meanwhile from another
 * snapshot wait at most for one slice, never for the whole compile. The result is the snapshot
 * `compileSnapshot` gives, ready to derive deltas from. `previous` lends its compiled policies.
 */
export async function buildSnapshot(input: SnapshotInput, previous?: Snapshot): Promise<Snapshot> {
  let snapshot = compileSnapshot({ ...input, sources: [] }, previous);
  const none = new Map<never, never>();
  for (let i = 0; i < input.sources.length; i += SLICE) {
    await yieldToEventLoop();
    const slice = input.sources.slice(i, i + SLICE);
    snapshot = deriveSnapshot(snapshot, { sources: new Map(slice.map((s) => [s.id, s])), domains: none, policies: none });
  }
  return snapshot;
}
