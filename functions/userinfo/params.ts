import type { Context } from 'hono';
import * as z from 'zod';
import { describeZodError } from '#shared/http/body.ts';
import type { AppEnv } from '#shared/http/context.ts';
import { badRequest, notFound } from '#shared/http/errors.ts';
import { iamIdSchema, idSchema } from '#shared/model/identity.ts';
import type { Services } from '#shared/services.ts';
import type { RefreshServices } from '#shared/userinfo/refresh.ts';
import { loadUserView, type UserView } from '#shared/store/subjects.ts';
import { refreshExternal } from '#shared/userinfo/refresh.ts';

/** Attribute values as a body sends them. */
export const valuesBodySchema = z.strictObject({ values: z.array(z.string().max(1024)).max(1000) });

/** A path parameter, URL-decoded by Hono, checked against a schema (400 names it). */
export function pathParam<S extends z.ZodType<string>>(c: Context<AppEnv>, name: string, schema: S): string {
  const parsed = schema.safeParse(c.req.param(name));
  if (!parsed.success) throw badRequest(`invalid path parameter \`${name}\`: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** `{iamid}/{userid}` of the path. */
export function pathUser(c: Context<AppEnv>): { iamid: string; userid: string } {
  return { iamid: pathParam(c, 'iamid', iamIdSchema), userid: pathParam(c, 'userid', idSchema) };
}

/** Fails with 404 unless the IAM exists; the default (built-in) IAM always does. */
export async function requireIam(services: Pick<Services, 'iams' | 'config'>, iamid: string): Promise<void> {
  if (iamid === services.config.defaultIam) return;
  if (!(await services.iams.get(iamid))) throw notFound(`iam \`${iamid}\` not found`);
}

/** The merged view of a user, or 404. */
export async function requireView(services: Pick<Services, 'users' | 'groups'>, iamid: string, userid: string): Promise<UserView> {
  const view = await loadUserView(services.users, services.groups, iamid, userid);
  if (!view) throw notFound(`user \`${userid}\` not found in iam \`${iamid}\``);
  return view;
}

/**
 * The merged view of a user with its external values brought up to date first: 404 before the
 * external source is asked, and a second read only when the source changed something.
 */
export async function freshView(services: RefreshServices, iamid: string, userid: string): Promise<UserView> {
  const view = await requireView(services, iamid, userid);
  return (await refreshExternal(services, iamid, userid)) === 'updated' ? requireView(services, iamid, userid) : view;
}
