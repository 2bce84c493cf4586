import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { subscriptionPolicySchema, type StoredPolicy } from '#shared/model/policy.ts';

/** Sizes of a synthetic organisation. */
export interface OrgSize {
  readonly users: number;
  readonly groups: number;
  readonly sources: number;
  readonly policies: number;
  /** Columns per source (default 5). */
  readonly columns?: number;
}

/** A generated organisation: users, sources with hierarchical tags, subscription policies. */
export interface SyntheticOrg {
  readonly subjects: Subject[];
  readonly sources: DataSource[];
  readonly policies: StoredPolicy[];
  readonly tags: string[];
}

/** A small seeded PRNG (mulberry32) so every run builds the same organisation. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Tag tree: 10 roots × 8 × 8 × 5, listed by depth (1..4). */
function tagTree(): string[][] {
  const levels: string[][] = [[], [], [], []];
  for (let r = 0; r < 10; r++) {
    const root = `Domain${r}`;
    levels[0]!.push(root);
    for (let a = 0; a < 8; a++) {
      const l2 = `${root}.Area${a}`;
      levels[1]!.push(l2);
      for (let b = 0; b < 8; b++) {
        const l3 = `${l2}.Set${b}`;
        levels[2]!.push(l3);
        for (let c = 0; c < 5; c++) levels[3]!.push(`${l3}.Table${c}`);
      }
    }
  }
  return levels;
}

const COUNTRIES = ['US', 'France', 'Germany', 'Japan', 'Brazil', 'India', 'Canada', 'Spain', 'Italy', 'Kenya'];

/** Builds a deterministic organisation of the given size. */
export function syntheticOrg(size: OrgSize, seed = 42): SyntheticOrg {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const levels = tagTree();
  const [l1, l2, l3, l4] = levels as [string[], string[], string[], string[]];
  const group = (): string => `G${Math.floor(rand() * size.groups)}`;

  const sources: DataSource[] = Array.from({ length: size.sources }, (_, i) => ({
    id: `src${i}`,
    name: `src${i}`,
    platform: 'postgres',
    database: 'db',
    schema: 's',
    table: `t${i}`,
    owners: [],
    tags: Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(rand() < 0.8 ? l4 : l3)),
    columns: Array.from({ length: size.columns ?? 5 }, (_, c) => ({ name: `col${c}`, type: 'varchar', tags: rand() < 0.3 ? [pick(l4)] : [] })),
    version: 1,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
  }));

  const subjects: Subject[] = Array.from({ length: size.users }, (_, i) => ({
    iamid: 'bim',
    userid: `user${i}`,
    active: rand() > 0.01,
    groups: new Set(Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, k) => (k % 2 ? group() : `G${Math.floor(rand() * Math.min(200, size.groups))}`))),
    attributes: new Map([
      ['Country', new Set([pick(COUNTRIES)])],
      ['Clearance', new Set([pick(rand() < 0.5 ? l2 : l3)])],
      ['Department', new Set([pick(l1), pick(l2)])],
    ]),
  }));

  // Share Responsibility policies grant on popular groups and countries; Always Required
  // ones are broad guards (most countries, or "not in a denied group"), so that a fair share
  // of decisions grant rather than everything ending in the default deny.
  const popular = (): string => `G${Math.floor(rand() * Math.min(200, size.groups))}`;
  const grantRule = () => {
    const advanced =
      rand() < 0.3
        ? rand() < 0.5
          ? `@hasTagAsAttribute('Clearance', 'dataSource') AND NOT @isInGroups('${group()}')`
          : `@hasAttribute('Department', '${pick(l1)}.*') OR @isInGroups('${popular()}', '${popular()}')`
        : undefined;
    return {
      operator: rand() < 0.7 ? 'any' : 'all',
      groups: Array.from({ length: 1 + Math.floor(rand() * 3) }, popular),
      attributes: rand() < 0.5 ? [{ name: 'Country', value: pick(COUNTRIES) }] : [],
      ...(advanced ? { advanced } : {}),
    };
  };
  const guardRule = () =>
    rand() < 0.5
      ? { operator: 'any', attributes: COUNTRIES.filter(() => rand() < 0.9).map((value) => ({ name: 'Country', value })) }
      : { operator: 'all', advanced: `NOT @isInGroups('${group()}') AND NOT @hasAttribute('Country', '${pick(COUNTRIES)}')` };

  const policies: StoredPolicy[] = Array.from({ length: size.policies }, (_, i) => {
    const r = rand();
    const target = r < 0.05 ? pick(l1) : r < 0.35 ? pick(l2) : pick(l3);
    const required = rand() < 0.25;
    const document = subscriptionPolicySchema.parse({
      policyKey: `policy-${i}`,
      type: 'subscription',
      actions: { type: 'entitlements', merge: required ? 'alwaysRequired' : 'shareResponsibility', entitlements: required ? guardRule() : grantRule() },
      circumstances: [{ type: 'tags', tag: target }],
    });
    const createdAt = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    return { document, version: 1, createdAt, updatedAt: createdAt };
  });
  return { subjects, sources, policies, tags: levels.flat() };
}
