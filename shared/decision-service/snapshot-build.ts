import { compileSteps, type Snapshot, type SnapshotInput } from '#shared/policy/index.ts';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Compiles `input` a slice of sources at a time, yielding to the event loop between slices:
 * decisions answered meanwhile from another snapshot wait at most for one slice, never for the
 * whole compile. The result is the snapshot `compileSnapshot` gives. `previous` lends its
 * compiled policies.
 */
export async function buildSnapshot(input: SnapshotInput, previous?: Snapshot): Promise<Snapshot> {
  const steps = compileSteps(input, previous);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    await yieldToEventLoop();
  }
}
