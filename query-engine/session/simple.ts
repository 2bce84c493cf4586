import { backend as be, frontend } from '../wire/messages.ts';
import type { Connection, Unit } from './connection.ts';
import { Gate } from './pipeline.ts';

/** A run of statements the backend gets as one Query: its SQL and what to do when it completes. */
interface Batch {
  readonly sql: string[];
  readonly audits: Array<Promise<void>>;
  readonly forwards: Array<Extract<Unit['statement'], { kind: 'forward' }>>;
}

/**
 * Sends one batch and waits for its answer; its ReadyForQuery reaches the client only when it
 * is the text's `last` batch, or when it failed (the error ends the text). True when it failed.
 */
async function runBatch(conn: Connection, batch: Batch, last: boolean): Promise<boolean> {
  const gate = batch.audits.length ? new Gate(Promise.all(batch.audits)) : undefined;
  const failed = await new Promise<boolean>((resolve) =>
    conn.send(frontend.query(batch.sql.join('; ')), {
      op: 'query',
      quiet: !last,
      ...(gate ? { gate } : {}),
      done: (failed) => {
        batch.forwards.forEach((f) => conn.forwardDone(f, failed));
        resolve(failed);
      },
    }),
  );
  if (failed && !last) conn.pipeline.local([be.readyForQuery(conn.pipeline.status)]);
  return failed;
}

/**
 * The simple query protocol: a text of statements, answered up to one ReadyForQuery. Runs of
 * queries and forwarded statements go to the backend as one Query (each query planned just
 * before, so an impersonation earlier in the text applies to it); warden statements are
 * carried out in place. The first error ends the text, as in PostgreSQL.
 */
export async function simpleQuery(conn: Connection, text: string): Promise<void> {
  let units: Unit[];
  try {
    units = conn.units(text);
  } catch (err) {
    return conn.pipeline.local([conn.errorMessage(err), be.readyForQuery(conn.pipeline.status)]);
  }
  if (!units.length) return conn.pipeline.local([be.emptyQuery(), be.readyForQuery(conn.pipeline.status)]);
  let batch: Batch = { sql: [], audits: [], forwards: [] };
  for (let i = 0; i < units.length; i++) {
    const { statement, text: stmtText } = units[i]!;
    try {
      if (statement.kind === 'warden') {
        if (batch.sql.length && (await runBatch(conn, batch, false))) return;
        batch = { sql: [], audits: [], forwards: [] };
        const answer = await conn.command(statement);
        if (i === units.length - 1) return conn.pipeline.local([...answer, be.readyForQuery(conn.pipeline.status)]);
        conn.pipeline.local(answer);
        continue;
      }
      if (statement.kind === 'query') {
        const plan = await conn.plan(statement.node, stmtText);
        batch.sql.push(plan.sql);
        batch.audits.push(conn.audit(plan));
      } else {
        batch.sql.push(await conn.forwarded(statement));
        batch.forwards.push(statement);
      }
    } catch (err) {
      // What ran before the failing statement is answered first; then its error ends the text.
      if (batch.sql.length && (await runBatch(conn, batch, false))) return;
      return conn.pipeline.local([conn.errorMessage(err), be.readyForQuery(conn.pipeline.status)]);
    }
  }
  await runBatch(conn, batch, true);
}
