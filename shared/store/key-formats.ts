/**
 * Item key formats of every table, the one place a key is spelled (the access patterns they
 * serve are listed in `tables.ts`).
 */
import { createHash } from 'node:crypto';
import type { Principal } from '#shared/model/identity.ts';
import { ARTIFACT_PARTITION, CHANGE_PREFIX, SNAPSHOT_PARTITION } from './tables.ts';

const lower = (s: string) => s.toLowerCase();
const apiKey = (hash: string) => `APIKEY#${hash}`;
const apiKeyRef = (keyId: string) => `KEYREF#${keyId}`;
const PROFILE = 'PROFILE';
const MARKER = 'MARKER';

/** The identities table: users, groups, memberships, IAMs, API keys. */
export const identityKeys = {
  user: (iamid: string, userid: string) => `USER#${iamid}#${userid}`,
  userPrefix: 'USER#',
  usersOfIam: (iamid: string) => `USERS#${iamid}`,
  userName: (iamid: string, userName: string) => `USERNAME#${iamid}#${lower(userName)}`,
  scimUser: (iamid: string, scimId: string) => `SCIMUSER#${iamid}#${scimId}`,
  userExternalId: (iamid: string, externalId: string) => `USEREXT#${iamid}#${externalId}`,
  userDisplayName: (iamid: string, displayName: string) => `USERDN#${iamid}#${lower(displayName)}`,
  lookup: (userid: string) => `MARKER#${userid}`,
  group: (iamid: string, groupId: string) => `GROUP#${iamid}#${groupId}`,
  groupPrefix: 'GROUP#',
  groupsOfIam: (iamid: string) => `GROUPS#${iamid}`,
  /** gsi2 partition of the deleted groups whose memberships are still being removed, oldest first. */
  deletedGroups: 'DELETEDGROUPS',
  groupName: (iamid: string, name: string) => `GROUPNAME#${iamid}#${lower(name)}`,
  groupExternalId: (iamid: string, externalId: string) => `GROUPEXT#${iamid}#${externalId}`,
  iam: (iamid: string) => `IAM#${iamid}`,
  iamPrefix: 'IAM#',
  /** One entry per IAM (sk: its id), written with it: the listing of IAMs. */
  allIams: 'IAMS',
  /** Written once every IAM stored before the entries has one. */
  iamsListed: { pk: 'IAMS#LISTED', sk: MARKER },
  scimToken: (hash: string) => `SCIMTOKEN#${hash}`,
  apiKey,
  apiKeyId: (keyId: string) => `KEYID#${keyId}`,
  /** The item that stands for a key by its id: impersonation tokens name it, verifiers read it. */
  apiKeyRef,
  /** gsi2 partition of a principal's keys (deleted with a user). */
  apiKeysOf: (p: Principal) => (p.type === 'user' ? `APIKEYS#user#${p.iamid}#${p.id}` : `APIKEYS#service#${p.id}`),
  /** Both items of an API key: the one found by hash (authentication) and the one named by id. */
  apiKeyItems: (hash: string, keyId: string) => [
    { pk: apiKey(hash), sk: PROFILE },
    { pk: apiKeyRef(keyId), sk: MARKER },
  ],
  profile: PROFILE,
  marker: MARKER,
  attr: (source: string, key: string) => `ATTR#${source}#${key}`,
  attrPrefix: 'ATTR#',
  /** In a group's partition: every attribute value of the group, one item (read in a batch beside the profile). */
  groupAttributes: 'ATTRS',
  /** Written once every group stored before the attributes item has one. */
  groupAttributesMoved: { pk: 'GROUPATTRS#BACKFILL', sk: 'DONE' },
  /** Where an unfinished move of groups' attributes stopped (the scan's position) and what it did so far. */
  groupAttributesMoving: { pk: 'GROUPATTRS#BACKFILL', sk: 'PROGRESS' },
  /** In a group's partition: the group was deleted and its memberships are still being removed. */
  groupDeleted: 'DELETED',
  member: (groupId: string, source: string) => `MEMBER#${groupId}#${source}`,
  memberPrefix: 'MEMBER#',
  memberOf: (userid: string, source: string) => `MEMBER#${userid}#${source}`,
  /** In a user's partition: when its external source was last asked, and how it answered. */
  externalState: 'EXTERNAL#STATE',
} as const;

/**
 * The catalog table: data sources and domains, and the listing index written in the same
 * transaction as each source or domain (items keyed by the source id, in id order).
 */
export const catalogKeys = {
  source: (id: string) => `SOURCE#${id}`,
  sourcePrefix: 'SOURCE#',
  domain: (id: string) => `DOMAIN#${id}`,
  domainPrefix: 'DOMAIN#',
  meta: 'META',
  /** One item per source, sort key its id. */
  allSources: 'SOURCES',
  /** One item per source whose `domain` field names the domain. */
  sourcesOfDomain: (domainId: string) => `DOMAINSOURCES#${domainId}`,
  /** One item per source carrying the tag or a descendant of it, on the source or a column. */
  taggedSources: (tag: string) => boundedKey(`TAG#${tag}`),
  /** One counter item per tag ever used: the sources and columns that carry it exactly. */
  tagCounts: 'TAGCOUNTS',
  tagCount: (tag: string) => boundedKey(tag, MAX_SORT_KEY_BYTES),
  /** A copy of every domain, for its listing. */
  allDomains: 'DOMAINS',
  /** Written once the sources and domains stored before the index are indexed. */
  backfilled: { pk: 'INDEX', sk: 'BACKFILLED' },
  /** Where an unfinished backfill stopped (the scan's position) and what it did so far. */
  backfilling: { pk: 'INDEX', sk: 'BACKFILLING' },
} as const;

/** The policies table: policies and their history, the snapshot version, IAM trust, access requests. */
export const policyKeys = {
  policy: (key: string) => `POLICY#${key}`,
  current: 'CURRENT',
  all: 'POLICIES',
  historyPrefix: 'V#',
  history: (version: number) => `V#${String(version).padStart(6, '0')}`,
  snapshot: { pk: SNAPSHOT_PARTITION, sk: 'VERSION' },
  /** Beside the snapshot version: an IAM change writes both in one transaction. */
  iamTrust: { pk: SNAPSHOT_PARTITION, sk: 'IAMTRUST' },
  /** What version `version` changed, written with it; sorted by version (zero-padded). */
  change: (version: number) => ({ pk: SNAPSHOT_PARTITION, sk: `${CHANGE_PREFIX}${String(version).padStart(15, '0')}` }),
  request: (id: string) => `REQUEST#${id}`,
  requestMeta: 'META',
  requestsOfUser: (iamid: string, userid: string) => `REQUESTUSER#${iamid}#${userid}`,
  requestsOfSource: (id: string) => `REQUESTSOURCE#${id}`,
  /** One item per pending request, removed when it is decided: what owners and GOVERNANCE have to decide. */
  pendingRequests: 'REQUESTS#PENDING',
  pendingRequest: (createdAt: string, id: string) => `${createdAt}#${id}`,
} as const;

/**
 * In the policies table: the snapshot artifact, a manifest naming the version it reflects and
 * the item of each chunk; a chunk index has a partition of its own (a cold read spreads over
 * partitions), each generation of it an item.
 */
export const artifactKeys = {
  manifest: { pk: ARTIFACT_PARTITION, sk: 'MANIFEST' },
  chunk: (index: number, generation: string) => ({ pk: `${ARTIFACT_PARTITION}#${index}`, sk: generation }),
} as const;

/** In the policies table: the query-engine integrations (few), one partition, one item each. */
export const integrationKeys = {
  partition: 'INTEGRATIONS',
  trinoPrefix: 'TRINO#',
  trino: (id: string) => ({ pk: 'INTEGRATIONS', sk: `TRINO#${id}` }),
} as const;

const sessionsOf = (impersonator: string) => `SESSIONS#${impersonator}`;
const SIGNING_KEYS = 'SIGNINGKEYS';

/**
 * The sessions table. A session is named by its impersonator's label and its id: the same id
 * from two impersonators is two sessions.
 */
export const sessionKeys = {
  sessionsOf,
  sessionPrefix: 'SESSION#',
  session: (impersonator: string, sessionId: string) => ({ pk: sessionsOf(impersonator), sk: `SESSION#${sessionId}` }),
  /** Left by an ended session until its last token expires: its tokens are revoked, not merely unknown. */
  ended: (impersonator: string, sessionId: string) => ({ pk: sessionsOf(impersonator), sk: `ENDED#${sessionId}` }),
  /** gsi1 of a session item: by target user, then impersonator and id. */
  target: (iamid: string, userid: string) => `SESSIONTARGET#${iamid}#${userid}`,
  targetSort: (impersonator: string, sessionId: string) => `${impersonator}#${sessionId}`,
  settings: { pk: 'SETTINGS', sk: 'IMPERSONATION' },
  signingKeysPk: SIGNING_KEYS,
  signingKeyPrefix: 'KEY#',
  signingKey: (kid: string) => ({ pk: SIGNING_KEYS, sk: `KEY#${kid}` }),
  currentSigningKey: { pk: SIGNING_KEYS, sk: 'CURRENT' },
  /** A console sign-in session, by the SHA-256 of its cookie secret (never the secret itself). */
  consoleSession: (secretHash: string) => ({ pk: `CONSOLE#${secretHash}`, sk: 'SESSION' }),
} as const;

/** DynamoDB refuses a partition key (of the table or an index) longer than this many bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;
/** … and a sort key longer than this many. */
const MAX_SORT_KEY_BYTES = 1024;

/**
 * A key attribute that DynamoDB accepts whatever the record holds: values that fit are kept
 * as they are (queries match them exactly); a longer one keeps its head, cut on a character
 * boundary, and a SHA-256 of the whole so two long values never share a key.
 */
function boundedKey(key: string, maxBytes = MAX_PARTITION_KEY_BYTES): string {
  if (Buffer.byteLength(key, 'utf8') <= maxBytes) return key;
  const digest = `~${createHash('sha256').update(key, 'utf8').digest('hex')}`;
  let head = '';
  let bytes = 0;
  for (const ch of key) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > maxBytes - digest.length) break;
    head += ch;
    bytes += size;
  }
  return head + digest;
}

/**
 * Audit writes spread over this many partition key values per day and per action: one value takes
 * ~1,000 writes/s and a time-ordered sort key defeats split-for-heat, so an unsharded day (or the
 * `DECISION` index key) capped decisions near 1,000/s; 16 carry issue #16's 5,000/s with room to
 * spare, while a page still costs only 17 Queries a day (16 shards and the unsharded key).
 */
export const AUDIT_SHARDS = 16;

/** Room left in a sharded key for its `#nn` shard suffix. */
const SHARD_SUFFIX_BYTES = 3;
const shardSuffix = (shard: number) => `#${String(shard).padStart(2, '0')}`;

/**
 * The audit table: one partition per day and shard, an index by bare user id and one by action and
 * shard. `day` and `action` without a shard are the keys of records written before sharding.
 */
export const auditKeys = {
  /** `date` is `yyyy-mm-dd`, or any ISO instant (its day is taken). */
  day: (date: string) => `AUDIT#${date.slice(0, 10)}`,
  dayShard: (date: string, shard: number) => `AUDIT#${date.slice(0, 10)}${shardSuffix(shard)}`,
  sort: (eventTimestamp: string, id: string) => `${eventTimestamp}#${id}`,
  // Ids and actions come from requests: bounded, so an audit write never fails on a key.
  // One user's records stay in one index key: they are bounded by the requests made as that one
  // person (a BI account's decisions are attributed to each end user), far below a partition's 1,000/s.
  user: (bareUserId: string) => boundedKey(`AUDITUSER#${bareUserId}`),
  action: (action: string) => boundedKey(`AUDITACTION#${action}`),
  actionShard: (action: string, shard: number) =>
    boundedKey(`AUDITACTION#${action}`, MAX_PARTITION_KEY_BYTES - SHARD_SUFFIX_BYTES) + shardSuffix(shard),
  /** The shard of a record: a hash of its id, so writes of one instant spread evenly. */
  shard: (id: string) => (createHash('sha256').update(id, 'utf8').digest()[0]! % AUDIT_SHARDS),
} as const;
