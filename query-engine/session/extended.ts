import { DuplicateStatementError, SqlSyntaxError, UnknownStatementError } from '../errors.ts';
import type { Statement } from '../sql/statements.ts';
import { backend as be, BE, FE, frontend, readBind, readExecute, readParse, readTarget, rebind } from '../wire/messages.ts';
import { describeCommand } from './commands.ts';
import type { Connection } from './connection.ts';
import { Gate } from './pipeline.ts';

/** A statement the client prepared: its text, and what the backend holds under the engine's name for it. */
interface Prepared {
  readonly text: string;
  readonly types: number[];
  /** Absent for an empty statement. */
  readonly statement?: Statement;
  readonly backendName: string;
  /** The SQL prepared on the backend (a query's, for the user it was last decided for). */
  sql: string;
}

/**
 * Backend statement names are unique in the process, not per connection: the embedded backend
 * serves every connection from one session, where two connections' `warden_1` would collide.
 */
let statementCounter = 0;

/** A bound portal: a warden statement the engine runs itself, or the backend's, with the audit its rows wait for. */
type Portal = { readonly warden: Extract<Statement, { kind: 'warden' }> } | { readonly forward?: Extract<Statement, { kind: 'forward' }>; readonly gate?: Gate };

/**
 * The extended query protocol (Parse, Bind, Describe, Execute, Close, Sync). A query is planned
 * at Parse (so Describe answers for the rewritten SQL) and planned again at every Bind, for the
 * user and policies of that moment: when the SQL changed, the engine prepares it again before
 * binding. Each Bind is one audited execution; its rows wait for the audit record.
 */
export class ExtendedProtocol {
  private readonly statements = new Map<string, Prepared>();
  /** Bound portals, each with the number of the Sync that ends the batch it was bound in. */
  private readonly portals = new Map<string, { readonly portal: Portal; readonly batch: number }>();
  private batch = 0;
  /** After an error the backend skips to the next Sync; the engine skips what it would answer itself too. */
  private skipping = false;

  constructor(private readonly conn: Connection) {}

  /** Handles one extended-protocol message; false when it is not one. */
  async handle(msg: Buffer): Promise<boolean> {
    const type = msg[0];
    if (type === FE.Sync) {
      this.skipping = false;
      const ended = this.batch++;
      // PostgreSQL drops a transaction's portals when it ends: so does the engine, keeping those
      // bound after this Sync (the client may send them before its ReadyForQuery arrives).
      this.conn.send(msg, {
        op: 'sync',
        done: () => {
          if (this.conn.pipeline.status === 'I') this.dropPortals(ended);
        },
      });
      return true;
    }
    if (type === FE.Flush) {
      this.conn.server.send(msg);
      return true;
    }
    if (type !== FE.Parse && type !== FE.Bind && type !== FE.Describe && type !== FE.Execute && type !== FE.Close) return false;
    if (this.skipping) return true;
    try {
      if (type === FE.Parse) await this.parse(msg);
      else if (type === FE.Bind) await this.bind(msg);
      else if (type === FE.Describe) this.describe(msg);
      else if (type === FE.Execute) await this.execute(msg);
      else this.close(msg);
    } catch (err) {
      this.conn.pipeline.local([this.conn.errorMessage(err)]);
      this.skipping = true;
    }
    return true;
  }

  private async parse(msg: Buffer): Promise<void> {
    const { name, text, types } = readParse(msg);
    if (name && this.statements.has(name)) throw new DuplicateStatementError(name);
    const units = this.conn.units(text);
    if (units.length > 1) throw new SqlSyntaxError('cannot insert multiple commands into a prepared statement');
    const statement = units[0]?.statement;
    const backendName = name ? `warden_${++statementCounter}` : '';
    let sql = '';
    if (statement?.kind === 'query') sql = (await this.conn.plan(statement.node, text)).sql;
    else if (statement?.kind === 'forward') sql = await this.conn.forwarded(statement);
    this.statements.set(name, { text, types, backendName, sql, ...(statement ? { statement } : {}) });
    if (statement?.kind === 'warden') return this.conn.pipeline.local([be.parseComplete()]);
    this.conn.send(frontend.parse(backendName, sql, types), { op: 'parse' });
  }

  private prepared(name: string): Prepared {
    const p = this.statements.get(name);
    if (!p) throw new UnknownStatementError(name);
    return p;
  }

  private async bind(msg: Buffer): Promise<void> {
    const { portal, statement: name, rest } = readBind(msg);
    const p = this.prepared(name);
    const s = p.statement;
    if (s?.kind === 'warden') {
      this.portals.set(portal, { portal: { warden: s }, batch: this.batch });
      return this.conn.pipeline.local([be.bindComplete()]);
    }
    let gate: Gate | undefined;
    if (s?.kind === 'query') {
      const plan = await this.conn.plan(s.node, p.text);
      if (plan.sql !== p.sql) {
        // Decided differently than at Parse (another user, changed policies): prepare what applies now.
        if (p.backendName) this.conn.send(frontend.close('S', p.backendName), { op: 'close', hidden: true });
        this.conn.send(frontend.parse(p.backendName, plan.sql, p.types), { op: 'parse', hidden: true });
        p.sql = plan.sql;
      }
      gate = new Gate(this.conn.audit(plan));
    }
    this.portals.set(portal, { portal: { ...(s?.kind === 'forward' ? { forward: s } : {}), ...(gate ? { gate } : {}) }, batch: this.batch });
    this.conn.send(rebind(portal, p.backendName, rest), { op: 'bind' });
  }

  private describe(msg: Buffer): void {
    const { kind, name } = readTarget(msg);
    if (kind === 'S') {
      const p = this.prepared(name);
      if (p.statement?.kind === 'warden') return this.conn.pipeline.local([be.noParameters(), describeCommand(p.statement.command)]);
      return this.conn.send(frontend.describe('S', p.backendName), { op: 'describe-statement' });
    }
    const portal = this.portals.get(name)?.portal;
    if (portal && 'warden' in portal) return this.conn.pipeline.local([describeCommand(portal.warden.command)]);
    this.conn.send(msg, { op: 'describe-portal' });
  }

  private async execute(msg: Buffer): Promise<void> {
    const name = readExecute(msg);
    const portal = this.portals.get(name)?.portal;
    if (portal && 'warden' in portal) {
      // Describe gave the row shape; Execute answers rows and the tag only.
      const answer = await this.conn.command(portal.warden);
      return this.conn.pipeline.local(answer.filter((m) => m[0] !== BE.RowDescription));
    }
    const forward = portal?.forward;
    this.conn.send(msg, {
      op: 'execute',
      ...(portal?.gate ? { gate: portal.gate } : {}),
      ...(forward ? { done: (failed: boolean) => this.conn.forwardDone(forward, failed) } : {}),
    });
  }

  private close(msg: Buffer): void {
    const { kind, name } = readTarget(msg);
    if (kind === 'S') {
      const p = this.statements.get(name);
      this.statements.delete(name);
      if (!p || p.statement?.kind === 'warden') return this.conn.pipeline.local([be.closeComplete()]);
      return this.conn.send(frontend.close('S', p.backendName), { op: 'close' });
    }
    const portal = this.portals.get(name)?.portal;
    this.portals.delete(name);
    if (portal && 'warden' in portal) return this.conn.pipeline.local([be.closeComplete()]);
    this.conn.send(msg, { op: 'close' });
  }

  private dropPortals(upTo: number): void {
    for (const [name, { batch }] of this.portals) if (batch <= upTo) this.portals.delete(name);
  }
}
