import ora, { type Ora } from 'ora';
import { createColors } from 'picocolors';

/** Colours and spinners only on a terminal, and never with `NO_COLOR` (https://no-color.org). */
const plain = 'NO_COLOR' in process.env && process.env.NO_COLOR !== '';

/** Colours for standard output: none when it is not a terminal or `NO_COLOR` is set. */
export const color = createColors(!plain && process.stdout.isTTY === true);

/** Writes a line to standard output. */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);

/** Writes a line to standard error. */
export const err = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * Runs `work` under a spinner on standard error when it is a terminal (and `NO_COLOR` is not
 * set); otherwise silently, so that pipes and CI logs get only the result.
 */
export async function spinning<T>(text: string, work: () => Promise<T>): Promise<T> {
  // A terminal that reports no width (a bare pseudo-terminal) would make ora clear lines without end.
  const terminal = process.stderr.isTTY && (process.stderr.columns ?? 0) > 0;
  const spinner: Ora | undefined = !plain && terminal ? ora({ text, stream: process.stderr }).start() : undefined;
  try {
    const result = await work();
    spinner?.stop();
    return result;
  } catch (error) {
    spinner?.stop();
    throw error;
  }
}
