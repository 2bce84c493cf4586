import type { DefElem, Node, VariableSetStmt } from 'libpg-query';
import { InvalidTargetError } from '#shared/impersonation/errors.ts';
import { NotSupportedError, RefusedError, UnknownSettingError } from '../errors.ts';
import { constantText, nameParts, stringConst } from './nodes.ts';

/** The three settings of seed 000, in the `warden` namespace. */
export const WARDEN_SETTINGS = ['iamid', 'userid', 'userid_template'] as const;
export type WardenSetting = (typeof WARDEN_SETTINGS)[number];

/** A statement the engine carries out itself; never forwarded to the backend. */
export type WardenCommand =
  | { readonly kind: 'set'; readonly setting: WardenSetting; readonly value: string | null }
  | { readonly kind: 'impersonate'; readonly userid: string }
  | { readonly kind: 'end' }
  | { readonly kind: 'show'; readonly setting: WardenSetting };

/** A statement as the engine treats it. */
export type Statement =
  | { readonly kind: 'warden'; readonly command: WardenCommand; readonly tag: string }
  /** SELECT, EXPLAIN, DECLARE … CURSOR: rewritten for the effective user, decided and audited. */
  | { readonly kind: 'query'; readonly node: Node }
  /** Forwarded as it is; `changesPath` when it may move the backend's search path (SET, RESET ALL, a transaction's end). */
  | { readonly kind: 'forward'; readonly node: Node; readonly changesPath: boolean; readonly searchPath?: readonly string[] };

/** `InsertStmt` → `INSERT`, `CreateTableAsStmt` → `CREATE TABLE AS`: how a refusal names a statement. */
function statementName(node: Node): string {
  const type = Object.keys(node)[0] ?? 'statement';
  return type.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

const readOnly = (what: string) => new RefusedError(`${what} is not allowed: the query engine is read-only`);

/** The setting a `warden.impersonation_…` name stands for; undefined outside the namespace. */
function wardenSetting(name: string | undefined): WardenSetting | undefined {
  if (!name?.toLowerCase().startsWith('warden.')) return undefined;
  const setting = WARDEN_SETTINGS.find((s) => `warden.impersonation_${s}` === name.toLowerCase());
  if (!setting) throw new UnknownSettingError(name);
  return setting;
}

/** A transaction option list that asks for READ WRITE. */
const readWrite = (options: readonly Node[] | undefined) =>
  (options ?? []).some((o) => 'DefElem' in o && (o.DefElem as DefElem).defname === 'transaction_read_only' && constantIsFalse((o.DefElem as DefElem).arg));

function constantIsFalse(node: Node | undefined): boolean {
  if (!node || !('A_Const' in node)) return false;
  const c = node.A_Const;
  return (c.boolval !== undefined && !c.boolval.boolval) || (c.ival !== undefined && !c.ival.ival);
}

const UTF8 = new Set(['utf8', 'utf-8', 'unicode']);

function setStatement(node: Node, set: VariableSetStmt): Statement {
  const name = set.name?.toLowerCase();
  if (name === 'role' || name === 'session_authorization') throw readOnly(name === 'role' ? '`SET ROLE`' : '`SET SESSION AUTHORIZATION`');
  if (name === 'default_transaction_read_only' || name === 'transaction_read_only') throw readOnly(`\`SET ${name}\``);
  if ((name === 'transaction' || name === 'session characteristics') && readWrite(set.args)) throw readOnly('a read-write transaction');
  if (name === 'client_encoding' && set.kind === 'VAR_SET_VALUE' && !UTF8.has((constantText(set.args?.[0]) ?? '').toLowerCase())) {
    throw new NotSupportedError('the query engine speaks UTF8 only', 'set `client_encoding` to `UTF8`');
  }
  if (name === 'search_path' && set.kind === 'VAR_SET_VALUE') {
    const schemas = (set.args ?? []).map((a) => constantText(a) ?? '');
    // Warden's masks call built-in functions: no schema may come before pg_catalog and shadow them.
    const args = ['pg_catalog', ...schemas.filter((s) => s !== 'pg_catalog')].map(stringConst);
    return { kind: 'forward', node: { VariableSetStmt: { ...set, args } }, changesPath: true, searchPath: schemas };
  }
  return { kind: 'forward', node, changesPath: name === 'search_path' || set.kind === 'VAR_RESET_ALL' };
}

function wardenSet(set: VariableSetStmt, setting: WardenSetting): Statement {
  if (set.is_local) throw new NotSupportedError('`SET LOCAL` does not apply to warden settings: an impersonation lasts the connection');
  if (set.kind === 'VAR_SET_DEFAULT' || set.kind === 'VAR_RESET') return { kind: 'warden', command: { kind: 'set', setting, value: null }, tag: set.kind === 'VAR_RESET' ? 'RESET' : 'SET' };
  const value = set.args?.length === 1 ? constantText(set.args[0]) : undefined;
  if (typeof value !== 'string') throw new InvalidTargetError(`\`warden.impersonation_${setting}\` takes one string value`);
  return { kind: 'warden', command: { kind: 'set', setting, value: value === '' ? null : value }, tag: 'SET' };
}

function call(node: Node): Statement {
  const fc = (node as { CallStmt: { funccall?: { funcname?: Node[]; args?: Node[] } } }).CallStmt.funccall;
  const name = nameParts(fc?.funcname)?.join('.');
  if (name !== 'warden.impersonate_user') throw readOnly('`CALL`');
  const arg = fc?.args?.length === 1 ? constantText(fc.args[0]) : undefined;
  if (arg === undefined) throw new InvalidTargetError('`warden.impersonate_user` takes one argument: a userid, or NULL to end the impersonation');
  return { kind: 'warden', command: arg === null ? { kind: 'end' } : { kind: 'impersonate', userid: arg }, tag: 'CALL' };
}

/** Whether a query may run at all: no SELECT INTO, no row locks (both write), no cursor kept past its transaction. */
function query(node: Node, inner: Node | undefined, what: string): Statement {
  if (!inner || !('SelectStmt' in inner)) throw readOnly(`\`${what}\` of \`${inner ? statementName(inner) : 'nothing'}\``);
  if (inner.SelectStmt.intoClause) throw readOnly('`SELECT INTO`');
  if (holdsKey(inner, 'lockingClause')) throw readOnly('`SELECT … FOR UPDATE/SHARE`');
  return { kind: 'query', node };
}

/** True when some node of the tree has the field (row locks can sit in any subquery). */
function holdsKey(value: unknown, key: string): boolean {
  if (Array.isArray(value)) return value.some((v) => holdsKey(v, key));
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => (k === key && v !== undefined) || holdsKey(v, key));
}

/** Cursors kept after their transaction (`WITH HOLD`): a result the engine could not re-decide. */
const CURSOR_OPT_HOLD = 0x0020;

/**
 * What the engine does with one parsed statement: carry it out itself (warden settings and
 * impersonation), rewrite it (queries), forward it (SET, SHOW, transaction control, cursors),
 * or refuse it before it reaches the backend (writes, DDL, COPY, DO, SET ROLE …: 42501).
 */
export function classify(node: Node): Statement {
  if ('SelectStmt' in node) return query(node, node, 'SELECT');
  if ('ExplainStmt' in node) return query(node, node.ExplainStmt.query, 'EXPLAIN');
  if ('DeclareCursorStmt' in node) {
    if (((node.DeclareCursorStmt.options ?? 0) & CURSOR_OPT_HOLD) !== 0) throw new NotSupportedError('`WITH HOLD` cursors are not supported by the query engine');
    return query(node, node.DeclareCursorStmt.query, 'DECLARE');
  }
  if ('VariableSetStmt' in node) {
    const setting = wardenSetting(node.VariableSetStmt.name);
    return setting ? wardenSet(node.VariableSetStmt, setting) : setStatement(node, node.VariableSetStmt);
  }
  if ('VariableShowStmt' in node) {
    const setting = wardenSetting(node.VariableShowStmt.name);
    return setting ? { kind: 'warden', command: { kind: 'show', setting }, tag: 'SHOW' } : { kind: 'forward', node, changesPath: false };
  }
  if ('CallStmt' in node) return call(node);
  if ('TransactionStmt' in node) {
    const t = node.TransactionStmt;
    if (t.kind === 'TRANS_STMT_PREPARE' || t.kind === 'TRANS_STMT_COMMIT_PREPARED' || t.kind === 'TRANS_STMT_ROLLBACK_PREPARED') throw readOnly('a two-phase commit');
    if ((t.kind === 'TRANS_STMT_BEGIN' || t.kind === 'TRANS_STMT_START') && readWrite(t.options)) throw readOnly('a read-write transaction');
    return { kind: 'forward', node, changesPath: t.kind !== 'TRANS_STMT_BEGIN' && t.kind !== 'TRANS_STMT_START' && t.kind !== 'TRANS_STMT_SAVEPOINT' };
  }
  if ('FetchStmt' in node || 'ClosePortalStmt' in node) return { kind: 'forward', node, changesPath: false };
  if ('PrepareStmt' in node || 'ExecuteStmt' in node || 'DeallocateStmt' in node || 'DiscardStmt' in node) {
    throw new NotSupportedError(`\`${statementName(node)}\` is not supported by the query engine`, 'use the protocol\'s prepared statements: each execution is decided afresh');
  }
  throw readOnly(`\`${statementName(node)}\``);
}
