import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { startLocal } from '#local/bootstrap.ts';

/** A listening TCP socket: its inode and the address and port it is bound to. */
interface Listener {
  readonly inode: string;
  readonly address: string;
  readonly port: number;
}

/** `/proc/net/tcp*` print each 32-bit word of an address in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const bytes = (hex.match(/.{8}/g) ?? []).flatMap((word) => (word.match(/../g) ?? []).reverse().map((b) => parseInt(b, 16)));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Every listening TCP socket of the machine, IPv4 and IPv6. */
function listeningSockets(): Listener[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      // Fields: sl, local address, remote address, state (0A = LISTEN), …, inode (10th).
      .filter((f) => f[3] === '0A')
      .map((f) => {
        const [address, port] = f[1]!.split(':');
        return { inode: f[9]!, address: decodeAddress(address!), port: parseInt(port!, 16) };
      }),
  );
}

/** This process and every process descending from it. */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      // The command name (in parentheses) may hold spaces; the parent pid is the 2nd field after it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while being listed.
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

/** The socket inodes a process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (target.startsWith('socket:[')) inodes.add(target.slice(8, -1));
    } catch {
      // The descriptor closed while being listed.
    }
  }
  return inodes;
}

describe.skipIf(process.platform !== 'linux')('the local runtime', () => {
  it('listens on loopback only: its HTTP server and its DynamoDB Local', async () => {
    const warden = await startLocal({ port: 0, seed: false, logLevel: 'silent' });
    try {
      const sockets = listeningSockets();
      const mine = processTree(process.pid).flatMap((pid) => {
        const inodes = socketInodes(pid);
        return sockets.filter((s) => inodes.has(s.inode)).map((s) => ({ ...s, pid }));
      });
      // Both listeners are found, so the check below cannot pass on an empty list.
      expect(mine.map((l) => l.port)).toContain(Number(new URL(warden.url).port));
      expect(mine.some((l) => l.pid !== process.pid)).toBe(true);
      for (const l of mine) expect(ipaddr.process(l.address).range(), `pid ${l.pid} listens on ${l.address}:${l.port}`).toBe('loopback');
    } finally {
      await warden.stop();
    }
  });
});
