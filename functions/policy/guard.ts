import type { Context } from 'hono';
import type { Caller } from '#shared/auth/caller.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, forbidden } from '#shared/http/errors.ts';
import type { Permission } from '#shared/model/identity.ts';

/** Fails with 403 unless the caller holds one of `permissions`. */
export function requireAnyPermission(c: Context<AppEnv>, ...permissions: Permission[]): Caller {
  const caller = c.get('caller');
  if (!permissions.some((p) => caller.permissions.has(p))) {
    throw forbidden(`requires permission ${permissions.map((p) => `\`${p}\``).join(' or ')}`);
  }
  return caller;
}

/** DynamoDB items hold 400 KB; a larger document is refused before it reaches the store. */
const MAX_ITEM_CHARS = 350_000;

/** Fails with 400 when a record would not fit in one item. */
export function checkStorable(what: string, value: unknown): void {
  const size = JSON.stringify(value).length;
  if (size > MAX_ITEM_CHARS) throw badRequest(`${what} is too large to store: ${size} characters, at most ${MAX_ITEM_CHARS}`);
}
