import { connect, type Socket } from 'node:net';
import { parse, serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFixture, type EngineFixture } from './support.ts';

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f?.close());

/** A logged-in raw protocol session: send messages, read the answers up to the next ReadyForQuery. */
async function session(): Promise<{ socket: Socket; untilReady: () => Promise<BackendMessage[]> }> {
  const socket = connect(f.engine.port, '127.0.0.1');
  const inbox: BackendMessage[] = [];
  let wake: (() => void) | undefined;
  void parse(socket, (msg) => {
    inbox.push(msg);
    if (msg.name === 'authenticationCleartextPassword') socket.write(serialize.password(f.biKey));
    wake?.();
  });
  const untilReady = async () => {
    while (!inbox.some((m) => m.name === 'readyForQuery')) await new Promise<void>((resolve) => (wake = resolve));
    return inbox.splice(0, inbox.findIndex((m) => m.name === 'readyForQuery') + 1);
  };
  socket.write(serialize.startup({ user: 'bi-tool', database: 'warden' }));
  await untilReady();
  return { socket, untilReady };
}

const names = (messages: BackendMessage[]) => messages.map((m) => (m.name === 'error' ? `error ${(m as BackendMessage & { code: string }).code}` : m.name));

describe('named portals', () => {
  it('end with their transaction, as in PostgreSQL: a portal of a finished implicit transaction does not exist', async () => {
    const { socket, untilReady } = await session();
    socket.write(Buffer.concat([serialize.parse({ name: 's', text: 'SHOW warden.impersonation_userid' }), serialize.bind({ portal: 'p', statement: 's' }), serialize.sync()]));
    expect(names(await untilReady())).toEqual(['parseComplete', 'bindComplete', 'readyForQuery']);
    socket.write(Buffer.concat([serialize.execute({ portal: 'p' }), serialize.sync()]));
    expect(names(await untilReady())).toEqual(['error 34000', 'readyForQuery']);
    socket.destroy();
  });

  it('live on inside an explicit transaction until it ends', async () => {
    const { socket, untilReady } = await session();
    socket.write(serialize.query('BEGIN'));
    await untilReady();
    socket.write(Buffer.concat([serialize.parse({ name: 's', text: 'SHOW warden.impersonation_userid' }), serialize.bind({ portal: 'p', statement: 's' }), serialize.sync()]));
    expect(names(await untilReady())).toEqual(['parseComplete', 'bindComplete', 'readyForQuery']);
    socket.write(Buffer.concat([serialize.execute({ portal: 'p' }), serialize.sync()]));
    expect(names(await untilReady())).toEqual(['dataRow', 'commandComplete', 'readyForQuery']);
    socket.write(Buffer.concat([serialize.parse({ text: 'COMMIT' }), serialize.bind({}), serialize.execute({}), serialize.sync()]));
    await untilReady();
    socket.write(Buffer.concat([serialize.execute({ portal: 'p' }), serialize.sync()]));
    expect(names(await untilReady())).toEqual(['error 34000', 'readyForQuery']);
    socket.destroy();
  });
});
