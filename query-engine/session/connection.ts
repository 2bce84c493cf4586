import type { Node } from 'libpg-query';
import type { DecisionService } from '#shared/decision-service/index.ts';
import type { Logger } from '#shared/log/logger.ts';
import type { Backend, BackendConnection } from '../backend/backend.ts';
import { ImpersonationRevokedError, RefusedError } from '../errors.ts';
import { leadingImpersonate, parseStatements } from '../sql/parse.ts';
import { deparse } from '../sql/deparse.ts';
import { classify, type Statement } from '../sql/statements.ts';
import { answerFields } from '../sqlstate.ts';
import { backend as be, frontend, readDataRow, BE } from '../wire/messages.ts';
import { runCommand } from './commands.ts';
import type { ConnectionIdentity } from './identity.ts';
import { Pipeline, type Expected } from './pipeline.ts';
import { planQuery, type Plan } from './plan.ts';
import { parseSearchPath, SEARCH_PATH_SQL } from './search-path.ts';

/** What every connection shares: the decisions, the backend, the settings. */
export interface EngineContext {
  readonly decisions: DecisionService;
  readonly backend: Backend;
  readonly passThrough: ReadonlySet<string>;
  readonly log: Logger;
}

/** One statement of a client's text, as the engine will treat it. */
export interface Unit {
  readonly text: string;
  readonly statement: Statement;
}

/**
 * The state of one client connection after login: who it acts as, its backend session, the
 * answers the backend owes, and the search path it resolves names with. The protocol handlers
 * (`simple.ts`, `extended.ts`) work through it.
 */
export class Connection {
  readonly pipeline: Pipeline;
  /** The session's schemas in order (`$user` replaced), tracked from SET and read again when unsure. */
  searchPath: readonly string[];
  private pathStale = false;

  constructor(
    readonly engine: EngineContext,
    readonly identity: ConnectionIdentity,
    readonly server: BackendConnection,
    readonly write: (bytes: Buffer) => void,
    readonly fatal: (err: unknown) => void,
    readonly auditExtra: Readonly<Record<string, unknown>>,
  ) {
    this.pipeline = new Pipeline(write, fatal);
    this.searchPath = [engine.backend.user, 'public'];
    server.onData((chunk) => this.pipeline.receive(chunk));
  }

  /** Sends a message to the backend, owing the client (or the engine) its answer. */
  send(bytes: Buffer, expected: Expected): void {
    this.pipeline.expect(expected);
    this.server.send(bytes);
  }

  /**
   * An error as the client sees it; a fault of the engine is logged and answered as an internal
   * error. A revoked impersonation is rethrown: it ends the connection (FATAL), whatever was asked.
   */
  errorMessage(err: unknown): Buffer {
    if (err instanceof ImpersonationRevokedError) throw err;
    return be.error(answerFields(err, this.engine.log));
  }

  /** The statements of a text, a leading `IMPERSONATE "user"` (seed 002) first. */
  units(text: string): Unit[] {
    const lead = leadingImpersonate(text);
    const units: Unit[] = lead ? [{ text, statement: { kind: 'warden', command: { kind: 'impersonate', userid: lead.userid }, tag: 'IMPERSONATE' } }] : [];
    const rest = lead ? lead.rest : text;
    for (const raw of parseStatements(rest)) {
      if (!raw.stmt) continue;
      const start = raw.stmt_location ?? 0;
      units.push({ text: raw.stmt_len ? rest.slice(start, start + raw.stmt_len) : rest.slice(start), statement: classify(raw.stmt) });
    }
    return units;
  }

  /** Plans a query for the effective user now (its identity checked, its sources decided). */
  async plan(node: Node, text: string): Promise<Plan> {
    await this.refreshPath();
    const caller = await this.identity.caller();
    return planQuery(
      {
        decisions: this.engine.decisions,
        backend: this.engine.backend,
        passThrough: this.engine.passThrough,
        searchPath: this.searchPath,
        caller,
        login: this.identity.login,
        show: (s) => this.identity.show(s),
        auditExtra: this.auditExtra,
      },
      node,
      text,
    );
  }

  /** The audit write of a plan, started now (in parallel with the query); its rows wait for it. */
  audit(plan: Plan): Promise<void> {
    const write = this.engine.decisions.auditQuery(plan.ctx, plan.record);
    // Its failure is acted on where the rows wait for it (the connection ends), not as an unhandled rejection.
    write.catch(() => undefined);
    return write;
  }

  /** The SQL forwarded for a statement that is not a query (SET, SHOW, transaction control), after checking it. */
  async forwarded(statement: Extract<Statement, { kind: 'forward' }>): Promise<string> {
    // The login principal's session is gone once impersonation is revoked: nothing runs for it.
    await this.identity.caller();
    if ('VariableSetStmt' in statement.node && statement.node.VariableSetStmt.is_local && statement.changesPath) {
      throw new RefusedError('`SET LOCAL search_path` is not supported by the query engine: use `SET search_path`');
    }
    return deparse([statement.node]);
  }

  /** After a forwarded statement ran: the search path it set, or a note to read it again. */
  forwardDone(statement: Extract<Statement, { kind: 'forward' }>, failed: boolean): void {
    if (!statement.changesPath) return;
    if (!failed && statement.searchPath) this.searchPath = statement.searchPath.map((s) => (s === '$user' ? this.engine.backend.user : s));
    else this.pathStale = true;
  }

  /** Carries out a warden statement; its answer's messages. */
  command(statement: Extract<Statement, { kind: 'warden' }>): Promise<Buffer[]> {
    return runCommand(this.identity, statement.command, statement.tag);
  }

  /**
   * Reads the backend's search path after a change the engine could not follow (RESET ALL, the
   * end of a transaction that set it), when no answer is owed so a query can be sent alone.
   */
  private async refreshPath(): Promise<void> {
    if (!this.pathStale || !this.pipeline.idle) return;
    this.pathStale = false;
    let value: string | undefined;
    await new Promise<void>((resolve) =>
      this.send(frontend.query(SEARCH_PATH_SQL), {
        op: 'query',
        hidden: true,
        capture: (msg) => {
          if (msg[0] === BE.DataRow) value = readDataRow(msg)[0] ?? undefined;
        },
        done: () => resolve(),
      }),
    );
    if (value !== undefined) this.searchPath = parseSearchPath(value, this.engine.backend.user);
  }
}
