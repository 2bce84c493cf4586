import { CORE_USER } from '#functions/scim/rfc/schemas.ts';
import { ScimUsers } from '#functions/scim/services/users.ts';
import type { AuditInput } from '#shared/audit/record.ts';
import type { Services } from '#shared/services.ts';
import { ConflictError } from '#shared/store/errors.ts';
import { readIamTrust } from '#shared/store/iam-trust.ts';
import type { Attributes, Permission } from '#shared/model/identity.ts';

interface DemoUser {
  readonly iamid: string;
  readonly userid: string;
  readonly displayName: string;
  readonly groups: readonly string[];
  readonly attributes: Attributes;
  /** Only outside a SCIM IAM: an identity manager never grants Warden permissions. */
  readonly permissions?: readonly Permission[];
}

/** A small organisation: HR and Legal staff, an analyst, a contractor, and an impersonator. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    iamid: 'okta',
    userid: 'smwilliams@example.com',
    displayName: 'Sam Williams',
    groups: ['Analysts'],
    attributes: { Country: ['US'], Department: ['Sales'], sales_region: ['Ohio', 'Michigan'], 'Work Location': ['Columbus'] },
  },
  {
    iamid: 'okta',
    userid: 'jdoe',
    displayName: 'Jane Doe',
    groups: ['HR', 'Legal'],
    attributes: { Country: ['France'], Department: ['HR'], Employment: ['Employee'], Access: ['Strictly Confidential'], 'Work Location': ['Paris'] },
  },
  {
    iamid: 'okta',
    userid: 'bob',
    displayName: 'Bob Legal',
    groups: ['Legal', 'Executives'],
    attributes: { Country: ['US'], Employment: ['Employee'], Access: ['Strictly Confidential'], sales_region: ['Ohio', 'Indiana'] },
  },
  {
    iamid: 'okta',
    userid: 'steve',
    displayName: 'Steve Contractor',
    groups: ['Contractors'],
    attributes: { Country: ['US'], Employment: ['Contractor'], Access: ['Strictly Confidential.Confidential.Internal.Public'] },
  },
  {
    iamid: 'bim',
    userid: 'edixon@example.com',
    displayName: 'Erin Dixon',
    groups: [],
    attributes: {},
    permissions: ['IMPERSONATE_USER', 'QUERY_ENGINE'],
  },
];

/** Group attributes apply to every member. */
const GROUP_ATTRIBUTES: Record<string, Attributes> = {
  Executives: { Clearance: ['High'] },
  HR: { Department: ['HR'] },
};

/** The demo's IdP, whose groups and attributes the demo policies rely on. */
const DEMO_IDP = 'okta';

/**
 * Marks the demo's IdP trusted for policy matching, unless an admin already marked it either
 * way (a persisted data dir keeps that choice).
 */
async function trustDemoIdp(services: Services): Promise<void> {
  const marks = await readIamTrust(services.db);
  if (marks.trusted.has(DEMO_IDP) || marks.untrusted.has(DEMO_IDP)) return;
  const iam = await services.iams.get(DEMO_IDP);
  if (!iam) return;
  const audit: AuditInput = {
    actor: { type: 'service', id: 'seed' },
    action: 'UPDATE',
    actionStatus: 'SUCCESS',
    targetType: 'iam',
    targets: [DEMO_IDP],
    payload: { trustedForPolicies: true, seed: true },
  };
  await services.iams.update(iam, {}, audit, true);
}

const emailOf = (u: DemoUser): string => (u.userid.includes('@') ? u.userid : `${u.userid}@example.com`);

/**
 * Creates a demo user. In an IAM that provisions over SCIM (okta), through the SCIM service, as
 * its identity manager would push it, so that SCIM queries find it; elsewhere directly.
 */
async function createUser(services: Services, scimUsers: ScimUsers, u: DemoUser): Promise<void> {
  const iam = await services.iams.get(u.iamid);
  if (iam?.scim.enabled) {
    const emails = [{ value: emailOf(u), type: 'work', primary: true }];
    await scimUsers.create({ iam, iamid: iam.id }, { schemas: [CORE_USER], userName: u.userid, displayName: u.displayName, emails, active: true });
    return;
  }
  await services.users.create({ iamid: u.iamid, userid: u.userid, displayName: u.displayName, email: emailOf(u), permissions: [...(u.permissions ?? [])] });
}

/** Seeds the demo identities; existing users are left as they are (a persisted data dir). */
export async function seedIdentities(services: Services): Promise<number> {
  await trustDemoIdp(services);
  const scimUsers = new ScimUsers(services);
  let created = 0;
  for (const u of DEMO_USERS) {
    try {
      await createUser(services, scimUsers, u);
      created++;
    } catch (err) {
      if (err instanceof ConflictError) continue;
      throw err;
    }
    await services.users.setAttributes(u.iamid, u.userid, 'manual', u.attributes);
    for (const name of u.groups) {
      const group = await services.groups.getOrCreateByName(u.iamid, name);
      await services.groups.addMembers(u.iamid, group.id, [u.userid], 'manual');
      const attrs = GROUP_ATTRIBUTES[name];
      if (attrs) await services.groups.setAttributes(u.iamid, group.id, 'manual', attrs);
    }
  }
  return created;
}
