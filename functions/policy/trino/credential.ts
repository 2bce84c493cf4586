import { digestsEqual, newSecret, sha256Hex } from '#shared/auth/secrets.ts';
import { unauthorized } from '#shared/http/errors.ts';
import type { IntegrationRepository, TrinoIntegrationRecord } from '#shared/store/integrations.ts';

/** The prefix of a Trino integration's credential (`wti_…`, 256 random bits). */
const CREDENTIAL_PREFIX = 'wti';

/** A new credential and the only form Warden keeps of it. */
export function newCredential(): { readonly credential: string; readonly hash: string } {
  const credential = newSecret(CREDENTIAL_PREFIX);
  return { credential, hash: sha256Hex(credential) };
}

interface Entry {
  readonly at: number;
  readonly value: Promise<TrinoIntegrationRecord | undefined>;
}

const MAX_ENTRIES = 1000;
// Compared against when the id is unknown, so an unknown id costs what a wrong key costs.
const NO_HASH = sha256Hex('');

/**
 * Checks the credential of a plugin call against its integration. Integrations are read at
 * most once per `ttlMs` (default 1 s) per instance: a rotation or deletion through this
 * instance holds at once, through another within `ttlMs`.
 */
export class IntegrationCredentials {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly repo: IntegrationRepository,
    private readonly ttlMs = 1000,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  private lookup(id: string): Promise<TrinoIntegrationRecord | undefined> {
    const now = this.clock();
    const hit = this.entries.get(id);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    this.entries.delete(id);
    // Unknown ids are cached too (a caller could otherwise make every call a read): bounded.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const value = this.repo.get(id);
    this.entries.set(id, { at: now, value });
    value.catch(() => this.entries.delete(id));
    return value;
  }

  /** The integration `id` when `key` is its credential; otherwise 401 (Trino then denies: it fails closed). */
  async verify(id: string, key: string | undefined): Promise<TrinoIntegrationRecord> {
    if (!key) throw unauthorized('missing credential: the policy uri carries `?key=`');
    const record = await this.lookup(id);
    const matches = digestsEqual(sha256Hex(key), record?.secretHash ?? NO_HASH);
    if (!record || !matches) throw unauthorized('invalid credential for this integration');
    return record;
  }

  /** Forgets an integration after it changed here, so this instance stops its old credential at once. */
  forget(id: string): void {
    this.entries.delete(id);
  }
}
