import type { FuncCall, Node, SQLValueFunction } from 'libpg-query';
import type { Subject } from '#shared/model/identity.ts';
import { NotSupportedError, UnknownSettingError } from '../errors.ts';
import { booleanConst, cast, constantText, nameParts, stringConst, textArray, textValue } from './nodes.ts';
import { WARDEN_SETTINGS, type WardenSetting } from './statements.ts';

/** Who a query runs as, for the functions that name the user inside a query. */
export interface UserContext {
  /** The effective user's groups and attributes (as the deployment's trusted IAMs give them); none for a service principal. */
  readonly subject?: Subject;
  /** What `current_user` returns: the effective user's userid, or the service's name. */
  readonly currentUser: string;
  /** What `session_user` returns: the login principal, who stays the session's user under impersonation. */
  readonly sessionUser: string;
  /** The values `SHOW warden.impersonation_…` and `current_setting('warden.impersonation_…')` return. */
  readonly settings: Readonly<Record<WardenSetting, string>>;
}

/** Canner's user-context functions (seed 002), by name and alias. */
const FUNCTIONS = new Set(['has_group', 'list_groups', 'has_attribute', 'has_attr', 'get_attribute', 'get_attr', 'list_attributes', 'list_attrs']);

/** True when a call is one the engine answers itself: a Canner user-context function or `current_setting('warden.…')`. */
export function isUserContextCall(call: FuncCall): boolean {
  const name = nameParts(call.funcname);
  if (!name || name.length !== 1) return false;
  if (FUNCTIONS.has(name[0]!)) return true;
  return name[0] === 'current_setting' && typeof constantText(call.args?.[0]) === 'string' && constantText(call.args?.[0])!.toLowerCase().startsWith('warden.');
}

/** `get_attribute` returns one value: with several, the smallest, so it is stable (as the policy engine does). */
function firstValue(values: ReadonlySet<string> | undefined): string | undefined {
  let first: string | undefined;
  for (const v of values ?? []) if (first === undefined || v < first) first = v;
  return first;
}

function attributeNames(s: Subject | undefined): string[] {
  return [...(s?.attributes ?? [])].filter(([, values]) => values.size > 0).map(([k]) => k);
}

/**
 * The literal a user-context call stands for, for the effective user: the query then runs with
 * values, not functions the backend does not have (`CASE WHEN has_group('HR') …` works as written).
 */
export function userContextValue(call: FuncCall, ctx: UserContext): Node {
  const name = nameParts(call.funcname)![0]!;
  const args = call.args ?? [];
  const arity = name.startsWith('list_') ? 0 : 1;
  const key = constantText(args[0]);
  if (name === 'current_setting') {
    if (args.length > 2) throw new NotSupportedError('`current_setting` takes a setting name and an optional `missing_ok`');
    const setting = WARDEN_SETTINGS.find((s) => `warden.impersonation_${s}` === key!.toLowerCase());
    if (setting) return textValue(ctx.settings[setting]);
    if (args.length === 2) return textValue(undefined);
    throw new UnknownSettingError(key!);
  }
  if (args.length !== arity || (arity === 1 && typeof key !== 'string')) {
    throw new NotSupportedError(arity ? `\`${name}\` takes one string literal` : `\`${name}\` takes no argument`);
  }
  const s = ctx.subject;
  switch (name) {
    case 'has_group':
      return booleanConst(s?.groups.has(key!) ?? false);
    case 'list_groups':
      return textArray([...(s?.groups ?? [])].sort());
    case 'has_attribute':
    case 'has_attr':
      return booleanConst((s?.attributes.get(key!)?.size ?? 0) > 0);
    case 'get_attribute':
    case 'get_attr':
      return textValue(firstValue(s?.attributes.get(key!)));
    default:
      return textArray(attributeNames(s).sort());
  }
}

/** `current_user`, `user`, `current_role` and `session_user` as the effective and the login principal's names (type `name`). */
export function sqlValueFor(value: SQLValueFunction, ctx: UserContext): Node | undefined {
  switch (value.op) {
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_USER':
    case 'SVFOP_CURRENT_ROLE':
      return cast(stringConst(ctx.currentUser), 'name');
    case 'SVFOP_SESSION_USER':
      return cast(stringConst(ctx.sessionUser), 'name');
    default:
      return undefined;
  }
}
