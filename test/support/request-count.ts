import type { Db } from '#shared/store/client.ts';

/** What a counted task returned, and the DynamoDB commands sent while it ran, by command name. */
export interface Counted<T> {
  readonly value: T;
  readonly requests: Record<string, number>;
}

/** Counts the commands `db`'s client sends while a task runs (one task at a time). */
export function requestCounter(db: Db): <T>(task: () => Promise<T>) => Promise<Counted<T>> {
  let sent: Record<string, number> | undefined;
  db.doc.middlewareStack.add(
    (next, context) => (args) => {
      if (sent) sent[context.commandName ?? '?'] = (sent[context.commandName ?? '?'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCountRequests' },
  );
  return async (task) => {
    sent = {};
    try {
      const value = await task();
      return { value, requests: sent };
    } finally {
      sent = undefined;
    }
  };
}
