/**
 * Every DynamoDB table of Warden: key schemas, indexes and TTL attributes. CDK (`cdk/data-stack.ts`)
 * and the local runtime both build tables from this module; nothing else declares a key.
 *
 * All tables use generic `pk`/`sk` keys and overloaded `gsi1`/`gsi2` indexes; the item key
 * formats live in `key-formats.ts`. Access patterns, by table (→ how it is answered):
 *
 * identities
 *   user by (iamid, userid), with its attribute values per source and memberships
 *                                   → Query pk=USER#iamid#userid  (profile, ATTR#src#key, MEMBER#gid#src)
 *   user by SCIM id                  → gsi1 pk=SCIMUSER#iamid#id
 *   user by SCIM userName (case-insensitive, unique per IAM)
 *                                   → GetItem marker pk=USERNAME#iamid#lower(userName)
 *   users by SCIM externalId / displayName (lookup items kept in the same transaction)
 *                                   → Query pk=USEREXT#iamid#externalId | USERDN#iamid#lower(name), sk MARKER#userid
 *   when a user's external source was last asked → GetItem pk=USER#iamid#userid sk=EXTERNAL#STATE
 *   users of an IAM, stable order (SCIM paging, simulation)
 *                                   → Query gsi2 pk=USERS#iamid, sk=userid ... (profile items)
 *   group by (iamid, id) with attributes → Query pk=GROUP#iamid#gid (profile, ATTRS: every attribute value)
 *   the groups of a user's view      → BatchGetItem of pk=GROUP#iamid#gid sk=PROFILE|ATTRS, 50 groups a call
 *                                      (a group stored before ATTRS, one ATTR#src#key item per key: Query)
 *   group by displayName (case-insensitive, unique per IAM) → GetItem marker pk=GROUPNAME#iamid#lower
 *   groups by SCIM externalId         → Query pk=GROUPEXT#iamid#externalId
 *   groups of an IAM, stable order   → Query gsi2 pk=GROUPS#iamid
 *   deleted groups whose memberships are still being purged, oldest first (a tombstone written in
 *   the deleting transaction, removed by the purge) → Query gsi2 pk=DELETEDGROUPS ; GetItem sk=DELETED
 *   members of a group (one item per member: O(1) add/remove at any group size)
 *                                   → Query gsi1 pk=GROUP#iamid#gid, sk begins_with MEMBER#
 *   IAM by id, IAM by SCIM token hash → GetItem pk=IAM#id ; marker pk=SCIMTOKEN#sha256
 *   every IAM (their listing; an entry written with each) → Query pk=IAMS, sk=iamid; BatchGetItem
 *   API key by hash (authentication) → GetItem pk=APIKEY#sha256 ; by keyId → gsi1 pk=KEYID#keyId
 *   whether a key still exists, by id (token verification, in one BatchGetItem with the rest)
 *                                   → GetItem pk=KEYREF#keyId sk=MARKER (written and deleted with the key)
 *   API keys of a principal (deleted with a user) → Query gsi2 pk=APIKEYS#user#iamid#userid | APIKEYS#service#id
 *
 * catalog
 *   data source by id, with columns  → GetItem pk=SOURCE#id sk=META
 *   domain by id                     → GetItem pk=DOMAIN#id sk=META
 *   the sources and domains a snapshot delta names → BatchGetItem of pk=SOURCE#id|DOMAIN#id sk=META
 *   whole catalog (a first snapshot without the artifact, a full rebuild or artifact build) → Scan (bounded by the catalog size)
 *   the listing index, written in each source's transaction (`catalog-index.ts`), sk = source id:
 *   sources, a page in id order      → Query pk=SOURCES, sk > cursor; then BatchGetItem of the page
 *   sources carrying a tag or a descendant (on the source or a column; `onSource` for domains)
 *                                   → Query pk=TAG#tag, sk > cursor
 *   sources whose `domain` field names a domain → Query pk=DOMAINSOURCES#id
 *   tags in use with exact counts (ADD in each source write) → Query pk=TAGCOUNTS, sk=tag
 *   domains, a page                  → Query pk=DOMAINS, sk=id (a copy written with the domain)
 *
 * policies
 *   current policy by key            → GetItem pk=POLICY#key sk=CURRENT (BatchGetItem for a snapshot delta)
 *   history of a policy              → Query pk=POLICY#key sk begins_with V#
 *   all current policies (snapshot)  → Query gsi1 pk=POLICIES
 *   snapshot version (each change to catalog, policies or IAM trust takes the next; checked ≤ 1/s)
 *                                   → GetItem pk=SNAPSHOT sk=VERSION
 *   IAMs marked (un)trusted for policy matching, read with the snapshot (an IAM change writes
 *   it with a version bump)           → GetItem pk=SNAPSHOT sk=IAMTRUST
 *   what changed since a version (written with each bump; TTL: purgeAt, one day)
 *                                   → Query pk=SNAPSHOT sk BETWEEN CHANGE#<v+1> AND CHANGE#<v'>
 *   the snapshot artifact (a cold instance's first snapshot) → GetItem pk=ARTIFACT sk=MANIFEST, then
 *   BatchGetItem of its chunks pk=ARTIFACT#<index> sk=<generation> (replaced ones: TTL purgeAt)
 *   access request by id             → GetItem pk=REQUEST#id sk=META
 *   access requests of a user / of a source → gsi1 pk=REQUESTUSER#iamid#userid ; gsi2 pk=REQUESTSOURCE#id
 *   Trino integrations (listing; by id, then its credential hash compared) → Query pk=INTEGRATIONS sk begins_with TRINO# ; GetItem sk=TRINO#id
 *   pending requests, oldest first (what owners and GOVERNANCE have to decide; a marker item
 *   written with the request and deleted with its decision) → Query pk=REQUESTS#PENDING, sk=<created>#id
 *
 * sessions (a session id is scoped to its impersonator's label: `service:bi-tool`, `user:okta/edixon`)
 *   session by (impersonator, id)    → GetItem pk=SESSIONS#label sk=SESSION#id (TTL: expiresAt)
 *   end marker of a session          → GetItem pk=SESSIONS#label sk=ENDED#id (TTL: its last token's expiry)
 *   sessions of an impersonator (its listing, the bulk end) → Query pk=SESSIONS#label, sk begins_with SESSION#
 *   sessions of a target user, optionally of one impersonator
 *                                   → Query gsi1 pk=SESSIONTARGET#iamid#userid, sk=label#id (begins_with label#)
 *   every session (a USER_ADMIN's listing) → Scan gsi1 one page at a time (only session items carry gsi1 keys)
 *   impersonation settings           → GetItem pk=SETTINGS sk=IMPERSONATION
 *   signing keys (public JWKS; private keys only locally) → Query pk=SIGNINGKEYS, sk KEY#kid
 *   console session by the SHA-256 of its cookie secret (TTL: expiresAt; no gsi1 keys, so the
 *   listing of impersonation sessions never meets one) → GetItem pk=CONSOLE#sha256 sk=SESSION
 *
 * audit (append only, TTL retention on expiresAt)
 *   newest first within a time range → Query pk=AUDIT#yyyy-mm-dd#<shard 00-15>, sk=<iso time>#<id>,
 *                                      day by day, the 16 shards and the unsharded AUDIT#yyyy-mm-dd
 *                                      (records written before sharding) merged
 *   by user                          → gsi1 pk=AUDITUSER#userid, sk=<iso time>#<id>
 *   by action                        → gsi2 pk=AUDITACTION#action#<shard>, sk=<iso time>#<id>, shards merged
 */

export type AttributeType = 'S' | 'N';

/**
 * The partition of the policies table holding the snapshot version and the IAM trust marks:
 * the only items the userinfo function may update there (an IAM's trust changes decisions).
 */
export const SNAPSHOT_PARTITION = 'SNAPSHOT';

/** The sort key prefix of the change records in `SNAPSHOT_PARTITION` (what the artifact builder's stream is filtered to). */
export const CHANGE_PREFIX = 'CHANGE#';

/** The partitions of the snapshot artifact: its manifest, and `ARTIFACT#<index>` for each chunk. */
export const ARTIFACT_PARTITION = 'ARTIFACT';

/** A global secondary index over the generic `gsiNpk`/`gsiNsk` attributes. */
export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
}

/** One table: logical name, keys, indexes, TTL attribute. */
export interface TableDefinition {
  /** Logical name: the CDK construct id and, locally, the table name. */
  readonly name: TableName;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  readonly ttlAttribute?: string;
  /** A stream of the keys of every changed item (for a function that follows the changes). */
  readonly keysStream?: boolean;
}

export const TABLE_NAMES = ['identities', 'catalog', 'policies', 'sessions', 'audit'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

const gsi1: IndexDefinition = { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' };
const gsi2: IndexDefinition = { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' };

export const TABLES: Readonly<Record<TableName, TableDefinition>> = {
  identities: { name: 'identities', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1, gsi2] },
  catalog: { name: 'catalog', partitionKey: 'pk', sortKey: 'sk', indexes: [] },
  policies: { name: 'policies', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1, gsi2], ttlAttribute: 'purgeAt', keysStream: true },
  sessions: { name: 'sessions', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1], ttlAttribute: 'expiresAt' },
  audit: { name: 'audit', partitionKey: 'pk', sortKey: 'sk', indexes: [gsi1, gsi2], ttlAttribute: 'expiresAt' },
};

/** Every attribute used in a key of the table or of one of its indexes. */
export function keyAttributes(def: TableDefinition): string[] {
  const names = new Set([def.partitionKey, def.sortKey]);
  for (const ix of def.indexes) {
    names.add(ix.partitionKey);
    names.add(ix.sortKey);
  }
  return [...names];
}

/** The environment variable through which a Lambda learns the physical name of a table. */
export function tableEnvVar(name: TableName): string {
  return `TABLE_${name.toUpperCase()}`;
}
