import { serialize } from 'pg-protocol';
import type { ErrorFields } from '../sqlstate.ts';

/** Frontend message types the engine reads (protocol 3.0, by their type byte). */
export const FE = {
  Query: 0x51,
  Parse: 0x50,
  Bind: 0x42,
  Execute: 0x45,
  Describe: 0x44,
  Close: 0x43,
  Sync: 0x53,
  Flush: 0x48,
  Terminate: 0x58,
  FunctionCall: 0x46,
} as const;

/** Backend message types the relay tells apart. */
export const BE = {
  ParseComplete: 0x31,
  BindComplete: 0x32,
  CloseComplete: 0x33,
  CommandComplete: 0x43,
  DataRow: 0x44,
  ErrorResponse: 0x45,
  EmptyQuery: 0x49,
  NoticeResponse: 0x4e,
  NotificationResponse: 0x41,
  ParameterStatus: 0x53,
  ParameterDescription: 0x74,
  RowDescription: 0x54,
  NoData: 0x6e,
  PortalSuspended: 0x73,
  ReadyForQuery: 0x5a,
} as const;

/** The largest message the engine accepts from a client (PostgreSQL's own limit is 1 GB). */
export const MAX_MESSAGE = 64 * 1024 * 1024;

/** Splits a stream into messages (a type byte, then a length that counts itself), as they arrive. */
export class MessageSplitter {
  private pending: Buffer = Buffer.alloc(0);

  /** The complete messages the chunk finishes; the rest is kept. Throws on a length out of bounds. */
  push(chunk: Buffer): Buffer[] {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    let at = 0;
    while (buf.length - at >= 5) {
      const length = buf.readUInt32BE(at + 1);
      if (length < 4 || length > MAX_MESSAGE) throw new Error(`invalid message length ${length}`);
      if (buf.length - at < length + 1) break;
      out.push(buf.subarray(at, at + length + 1));
      at += length + 1;
    }
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return out;
  }
}

/** Reads the fields of one message body. */
class Reader {
  private at = 5;
  constructor(private readonly msg: Buffer) {}
  cstring(): string {
    const end = this.msg.indexOf(0, this.at);
    if (end < 0) throw new Error('unterminated string in message');
    const s = this.msg.toString('utf8', this.at, end);
    this.at = end + 1;
    return s;
  }
  int16(): number {
    const v = this.msg.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    const v = this.msg.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  byte(): number {
    return this.msg[this.at++]!;
  }
  get offset(): number {
    return this.at;
  }
}

/** `Query`: the SQL text. */
export const readQuery = (msg: Buffer): string => new Reader(msg).cstring();

/** `Parse`: statement name, SQL text, parameter type OIDs. */
export function readParse(msg: Buffer): { name: string; text: string; types: number[] } {
  const r = new Reader(msg);
  const name = r.cstring();
  const text = r.cstring();
  const n = r.int16();
  const types = Array.from({ length: n }, () => r.int32());
  return { name, text, types };
}

/** `Bind`: portal and statement names; the rest (formats, values) is forwarded byte for byte. */
export function readBind(msg: Buffer): { portal: string; statement: string; rest: Buffer } {
  const r = new Reader(msg);
  const portal = r.cstring();
  const statement = r.cstring();
  return { portal, statement, rest: msg.subarray(r.offset) };
}

/** `Describe` and `Close`: `S`tatement or `P`ortal, and its name. */
export function readTarget(msg: Buffer): { kind: 'S' | 'P'; name: string } {
  const r = new Reader(msg);
  const kind = String.fromCharCode(r.byte()) === 'S' ? 'S' : 'P';
  return { kind, name: r.cstring() };
}

/** `Execute`: the portal name. */
export const readExecute = (msg: Buffer): string => new Reader(msg).cstring();

/** A message of the given type and body. */
function message(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstr = (s: string) => Buffer.from(`${s}\u0000`, 'utf8');

/** `Bind` of the same portal, formats and values to another statement name. */
export function rebind(portal: string, statement: string, rest: Buffer): Buffer {
  return message(FE.Bind, Buffer.concat([cstr(portal), cstr(statement), rest]));
}

/** Frontend messages the engine writes to the backend (pg-protocol's serializer). */
export const frontend = {
  query: (text: string) => serialize.query(text),
  parse: (name: string, text: string, types: number[]) => serialize.parse({ name, text, types }),
  describe: (kind: 'S' | 'P', name: string) => serialize.describe({ type: kind, name }),
  close: (kind: 'S' | 'P', name: string) => serialize.close({ type: kind, name }),
  sync: () => serialize.sync(),
};

/** Backend messages the engine writes to the client. */
export const backend = {
  error(f: ErrorFields): Buffer {
    const parts: Buffer[] = [];
    const add = (code: string, value: string | number | undefined) => value !== undefined && parts.push(Buffer.from(code), cstr(String(value)));
    add('S', f.severity);
    add('V', f.severity);
    add('C', f.code);
    add('M', f.message);
    add('D', f.detail);
    add('H', f.hint);
    add('P', f.position);
    parts.push(Buffer.from([0]));
    return message(BE.ErrorResponse, Buffer.concat(parts));
  },
  commandComplete: (tag: string) => message(BE.CommandComplete, cstr(tag)),
  readyForQuery: (status: string) => message(BE.ReadyForQuery, Buffer.from(status)),
  parameterStatus: (name: string, value: string) => message(BE.ParameterStatus, Buffer.concat([cstr(name), cstr(value)])),
  backendKeyData(pid: number, secret: number): Buffer {
    const body = Buffer.alloc(8);
    body.writeInt32BE(pid, 0);
    body.writeInt32BE(secret, 4);
    return message(0x4b, body);
  },
  authenticationOk: () => message(0x52, Buffer.from([0, 0, 0, 0])),
  authenticationCleartextPassword: () => message(0x52, Buffer.from([0, 0, 0, 3])),
  parseComplete: () => message(BE.ParseComplete, Buffer.alloc(0)),
  bindComplete: () => message(BE.BindComplete, Buffer.alloc(0)),
  closeComplete: () => message(BE.CloseComplete, Buffer.alloc(0)),
  noData: () => message(BE.NoData, Buffer.alloc(0)),
  emptyQuery: () => message(BE.EmptyQuery, Buffer.alloc(0)),
  /** A statement without parameters. */
  noParameters: () => message(BE.ParameterDescription, Buffer.from([0, 0])),
  /** Text columns of these names (type `text`, OID 25). */
  rowDescription(names: readonly string[]): Buffer {
    const head = Buffer.alloc(2);
    head.writeInt16BE(names.length);
    const fields = names.map((n) => {
      const f = Buffer.alloc(18);
      f.writeInt32BE(0, 0);
      f.writeInt16BE(0, 4);
      f.writeInt32BE(25, 6);
      f.writeInt16BE(-1, 10);
      f.writeInt32BE(-1, 12);
      f.writeInt16BE(0, 16);
      return Buffer.concat([cstr(n), f]);
    });
    return message(BE.RowDescription, Buffer.concat([head, ...fields]));
  },
  /** One row of text values. */
  dataRow(values: readonly string[]): Buffer {
    const head = Buffer.alloc(2);
    head.writeInt16BE(values.length);
    const cells = values.map((v) => {
      const bytes = Buffer.from(v, 'utf8');
      const len = Buffer.alloc(4);
      len.writeInt32BE(bytes.length);
      return Buffer.concat([len, bytes]);
    });
    return message(BE.DataRow, Buffer.concat([head, ...cells]));
  },
};

/** The values of a `DataRow` in text format (null for SQL NULL). */
export function readDataRow(msg: Buffer): Array<string | null> {
  const r = new Reader(msg);
  const n = r.int16();
  const out: Array<string | null> = [];
  let at = r.offset;
  for (let i = 0; i < n; i++) {
    const len = msg.readInt32BE(at);
    at += 4;
    out.push(len < 0 ? null : msg.toString('utf8', at, at + len));
    at += Math.max(len, 0);
  }
  return out;
}

/** The status a `ReadyForQuery` reports: `I`dle, in a `T`ransaction, or in a failed one (`E`). */
export const readyStatus = (msg: Buffer): string => String.fromCharCode(msg[5] ?? 0x49);
