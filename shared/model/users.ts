import * as z from 'zod';
import { attributeKeySchema, groupNameSchema, iamIdSchema, idSchema, permissionSchema, SOURCES } from './identity.ts';

const iamParam = iamIdSchema.meta({ description: 'an IAM id' });
const useridParam = idSchema.meta({ description: 'a userid, URL-decoded (`%40` for `@`)' });
const keyParam = attributeKeySchema.meta({ description: 'an attribute key: 1–256 printable characters, any name but the reserved `__proto__`' });

/** `{iamid}/{userid}` of a user's routes. */
export const userParamsSchema = z.object({ iamid: iamParam, userid: useridParam });
/** `{iamid}/{userid}/attributes/{key}`. */
export const userAttributeParamsSchema = userParamsSchema.extend({ key: keyParam });
/** `{iamid}/{name}` of a group's routes: the group is named, as Immuta names it. */
export const groupParamsSchema = z.object({ iamid: iamParam, name: groupNameSchema.meta({ description: 'a group name, URL-decoded (`%20` for a space)' }) });
/** `{iamid}/{name}/attributes/{key}`. */
export const groupAttributeParamsSchema = groupParamsSchema.extend({ key: keyParam });
/** `{iamid}/{name}/members/{userid}`. */
export const groupMemberParamsSchema = groupParamsSchema.extend({ userid: useridParam });

/** The body of `POST /v1/users`: `iamid` defaults to the default IAM. */
export const createUserBodySchema = z.strictObject({
  iamid: iamIdSchema.optional(),
  userid: idSchema,
  displayName: z.string().min(1).max(256),
  email: z.email().max(320).optional(),
});

/** The body of `PUT /v1/users/{iamid}/{userid}/permissions`: the whole set, replaced. */
export const permissionsBodySchema = z.strictObject({ permissions: z.array(permissionSchema).max(5) });

/** Attribute values as a body sends them (no values: the attribute is removed). */
export const valuesBodySchema = z.strictObject({ values: z.array(z.string().max(1024)).max(1000) });

/** The body of `POST /v1/groups/{iamid}/{name}/members`. */
export const memberBodySchema = z.strictObject({ userid: idSchema });

/** The query of `GET /userinfo` (and, with the IAM in the path, of `GET /userinfo/{iamid}`). */
export const userInfoQuerySchema = z.object({
  userid: idSchema.meta({ description: 'the user asked about' }),
  iamid: iamIdSchema.optional().meta({ description: "its IAM; default: the default IAM (`WARDEN_DEFAULT_IAM`), or the path's" }),
});

/** Attribute key → values. */
const attributesView = z.record(z.string(), z.array(z.string())).meta({ id: 'Attributes', description: 'attribute key → values' });

/** A user as the admin API shows it: the merged view, its values per source and its memberships. */
export const userView = z
  .object({
    iamid: z.string(),
    userid: z.string(),
    displayName: z.string(),
    email: z.string().optional(),
    active: z.boolean(),
    permissions: z.array(permissionSchema),
    groups: z.array(z.string()),
    attributes: attributesView,
    sources: z.object({
      scim: attributesView,
      manual: attributesView,
      external: attributesView,
      groups: z.record(z.string(), attributesView).meta({ description: "each group's attributes, all its sources merged" }),
    }),
    memberships: z.record(z.string(), z.array(z.enum(SOURCES))).meta({ description: 'per group name, the sources that made the user a member' }),
  })
  .meta({ id: 'User' });
export type UserJson = z.infer<typeof userView>;

/** A group as the admin API shows it: its attributes per source. */
export const groupView = z
  .object({ iamid: z.string(), id: z.string(), name: z.string(), sources: z.object({ scim: attributesView, manual: attributesView, external: attributesView }) })
  .meta({ id: 'Group' });

/** Immuta's body (`{"groups":[{"name"}],"authorizations":{"key":["value"]}}`) plus `userid`, `iamid`, `active`. */
export const userInfoView = z
  .object({ groups: z.array(z.object({ name: z.string() })), authorizations: attributesView, userid: z.string(), iamid: z.string(), active: z.boolean() })
  .meta({ id: 'UserInfo' });
export type UserInfoBody = z.infer<typeof userInfoView>;

/** Every data source a user may query. */
export const accessibleSourcesView = z.object({ dataSources: z.array(z.object({ id: z.string(), name: z.string(), access: z.literal('granted') })) });
