/** Item key formats of every table (see the access patterns in `tables.ts`). */
import type { Principal } from '#shared/model/identity.ts';

const lower = (s: string) => s.toLowerCase();
const apiKey = (hash: string) => `APIKEY#${hash}`;
const apiKeyRef = (keyId: string) => `KEYREF#${keyId}`;

export const keys = {
  user: (iamid: string, userid: string) => `USER#${iamid}#${userid}`,
  usersOfIam: (iamid: string) => `USERS#${iamid}`,
  userName: (iamid: string, userName: string) => `USERNAME#${iamid}#${lower(userName)}`,
  scimUser: (iamid: string, scimId: string) => `SCIMUSER#${iamid}#${scimId}`,
  userExternalId: (iamid: string, externalId: string) => `USEREXT#${iamid}#${externalId}`,
  userDisplayName: (iamid: string, displayName: string) => `USERDN#${iamid}#${lower(displayName)}`,
  lookup: (userid: string) => `MARKER#${userid}`,
  group: (iamid: string, groupId: string) => `GROUP#${iamid}#${groupId}`,
  groupsOfIam: (iamid: string) => `GROUPS#${iamid}`,
  groupName: (iamid: string, name: string) => `GROUPNAME#${iamid}#${lower(name)}`,
  groupExternalId: (iamid: string, externalId: string) => `GROUPEXT#${iamid}#${externalId}`,
  iam: (iamid: string) => `IAM#${iamid}`,
  scimToken: (hash: string) => `SCIMTOKEN#${hash}`,
  apiKey,
  apiKeyId: (keyId: string) => `KEYID#${keyId}`,
  /** The item that stands for a key by its id: impersonation tokens name it, verifiers read it. */
  apiKeyRef,
  /** gsi2 partition of a principal's keys (deleted with a user). */
  apiKeysOf: (p: Principal) => (p.type === 'user' ? `APIKEYS#user#${p.iamid}#${p.id}` : `APIKEYS#service#${p.id}`),
  /** Both items of an API key: the one found by hash (authentication) and the one named by id. */
  apiKeyItems: (hash: string, keyId: string) => [
    { pk: apiKey(hash), sk: 'PROFILE' },
    { pk: apiKeyRef(keyId), sk: 'MARKER' },
  ],
  profile: 'PROFILE',
  marker: 'MARKER',
  attr: (source: string, key: string) => `ATTR#${source}#${key}`,
  attrPrefix: 'ATTR#',
  member: (groupId: string, source: string) => `MEMBER#${groupId}#${source}`,
  memberPrefix: 'MEMBER#',
  memberOf: (userid: string, source: string) => `MEMBER#${userid}#${source}`,
  /** In a user's partition: when its external source was last asked, and how it answered. */
  externalState: 'EXTERNAL#STATE',
} as const;
