/** Item key formats of every table (see the access patterns in `tables.ts`). */

const lower = (s: string) => s.toLowerCase();

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
  apiKey: (hash: string) => `APIKEY#${hash}`,
  apiKeyId: (keyId: string) => `KEYID#${keyId}`,
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
