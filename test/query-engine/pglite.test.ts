import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend, BackendConnection } from '#query-engine/backend/backend.ts';
import { pgliteBackend } from '#query-engine/backend/pglite.ts';
import { BE, frontend, MessageSplitter, readDataRow } from '#query-engine/wire/messages.ts';

let backend: Backend;
beforeAll(async () => {
  backend = await pgliteBackend();
});
afterAll(() => backend?.close());

/** Sends protocol messages and resolves with the answer's messages up to its ReadyForQuery. */
function exchange(conn: BackendConnection, bytes: Buffer): Promise<Buffer[]> {
  return new Promise((resolve) => {
    const splitter = new MessageSplitter();
    const got: Buffer[] = [];
    conn.onData((chunk) => {
      for (const msg of splitter.push(chunk)) {
        got.push(msg);
        if (msg[0] === BE.ReadyForQuery) resolve(got);
      }
    });
    conn.send(bytes);
  });
}

const preparedCount = async (conn: BackendConnection) => {
  const answer = await exchange(conn, frontend.query('SELECT count(*) FROM pg_catalog.pg_prepared_statements'));
  return readDataRow(answer.find((m) => m[0] === BE.DataRow)!)[0];
};

describe('the embedded backend: one session for every connection', () => {
  it('a closed connection\'s prepared statements do not outlive it on the shared session', async () => {
    const a = await backend.connect(undefined);
    const parsed = await exchange(a, Buffer.concat([frontend.parse('warden_test_1', 'SELECT 1', []), frontend.parse('warden_test_2', 'SELECT 2', []), frontend.sync()]));
    expect(parsed.filter((m) => m[0] === BE.ParseComplete)).toHaveLength(2);
    const b = await backend.connect(undefined);
    expect(await preparedCount(b)).toBe('2');
    a.close();
    expect(await preparedCount(b)).toBe('0');
    b.close();
  });
});
