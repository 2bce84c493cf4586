import * as z from 'zod';
import { attributeKeySchema, groupNameSchema, withoutReservedKeys } from '#shared/model/identity.ts';
import type { UserInfoBody } from '#shared/model/users.ts';
import type { UserView } from '#shared/store/subjects.ts';

/**
 * The body of Immuta's *External Groups and Authorizations Endpoint*
 * (`{"groups":[{"name"}],"authorizations":{"key":["value"]}}`), as Warden serves it and as it
 * reads it from an external source. Extra keys are tolerated on input; bounds keep one bad
 * answer from flooding the identities table.
 */
export const immutaUserInfoSchema = z.object({
  groups: z
    .array(z.object({ name: groupNameSchema }))
    .max(1000)
    .default([]),
  authorizations: withoutReservedKeys(
    z.record(attributeKeySchema, z.array(z.string().max(1024)).max(1000)).refine((r) => Object.keys(r).length <= 1000, 'at most 1000 keys'),
  ).default({}),
});

export type ImmutaUserInfo = z.infer<typeof immutaUserInfoSchema>;

/** The Immuta-shaped body of a merged user view (group attributes already applied). */
export function toUserInfoBody(view: UserView): UserInfoBody {
  const names = [...new Set(view.groups.map((g) => g.profile.displayName))].sort((a, b) => a.localeCompare(b));
  return {
    groups: names.map((name) => ({ name })),
    authorizations: view.merged,
    userid: view.user.profile.userid,
    iamid: view.user.profile.iamid,
    active: view.user.profile.active,
  };
}
