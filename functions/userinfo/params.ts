import { notFound } from '#shared/http/errors.ts';
import type { Services } from '#shared/services.ts';
import { loadUserView, type UserView } from '#shared/store/subjects.ts';
import { refreshExternal, type RefreshServices } from '#shared/userinfo/refresh.ts';

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
