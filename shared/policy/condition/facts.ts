import type { Subject } from '#shared/model/identity.ts';

/**
 * The groups and attribute values a user holds that some compiled policy tests, as sorted
 * small integers. A decision's yes/no tests then read one small array per user instead of its
 * sets and maps: at 50,000 users most of a decision's time is spent fetching the user's and the
 * source's objects from memory, not comparing them.
 */
export type SubjectFacts = Int32Array;

/** What a policy can ask of one attribute name: an exact value, or a descendant of `P` (for `P.*`). */
interface NameFacts {
  readonly exact: Map<string, number>;
  readonly below: Map<string, number>;
}

/*
 * Ids are shared by every compiled policy in the process, so that a user's facts, worked out
 * once, serve every snapshot. Only compiled policies add ids (a user's values are looked up,
 * never added), and compiling the same policy again adds none.
 */
const groupIds = new Map<string, number>();
const iamIds = new Map<string, number>();
const attributeIds = new Map<string, NameFacts>();
let nextId = 0;

/** Counts the ids added: facts worked out before the last one may lack it. */
let epoch = 0;

function intern(map: Map<string, number>, key: string): number {
  let id = map.get(key);
  if (id === undefined) {
    map.set(key, (id = nextId++));
    epoch++;
  }
  return id;
}

function nameFacts(name: string): NameFacts {
  let n = attributeIds.get(name);
  if (!n) attributeIds.set(name, (n = { exact: new Map(), below: new Map() }));
  return n;
}

/** The id of membership in `group`. */
export function groupFact(group: string): number {
  return intern(groupIds, group);
}

/** The id of being a user of `iamid` (a plan's test of trust reads it). */
export function iamFact(iamid: string): number {
  return intern(iamIds, iamid);
}

/** The id of holding `expected` under `name`; `P.*` is any value strictly below `P`. */
export function attributeFact(name: string, expected: string): number {
  const n = nameFacts(name);
  return expected.endsWith('.*') ? intern(n.below, expected.slice(0, -2)) : intern(n.exact, expected);
}

/** Ids sorted and without repeats, as the tests below expect. */
export function factSet(ids: Iterable<number>): Int32Array {
  return Int32Array.from(new Set(ids)).sort();
}

/** The facts of a user with no group or attribute a policy tests (and of an untrusted IAM's view). */
export const NO_FACTS: SubjectFacts = new Int32Array(0);

function collect(subject: Subject): SubjectFacts {
  const ids: number[] = [];
  const iam = iamIds.get(subject.iamid);
  if (iam !== undefined) ids.push(iam);
  for (const g of subject.groups) {
    const id = groupIds.get(g);
    if (id !== undefined) ids.push(id);
  }
  for (const [name, values] of subject.attributes) {
    const n = attributeIds.get(name);
    if (!n) continue;
    for (const v of values) {
      const id = n.exact.get(v);
      if (id !== undefined) ids.push(id);
      if (n.below.size === 0) continue;
      // `v` is strictly below each prefix that ends just before one of its dots (`a.b.c`: `a`, `a.b`).
      for (let i = v.indexOf('.'); i !== -1 && i < v.length - 1; i = v.indexOf('.', i + 1)) {
        const below = n.below.get(v.slice(0, i));
        if (below !== undefined) ids.push(below);
      }
    }
  }
  return ids.length === 0 ? NO_FACTS : factSet(ids);
}

/*
 * A subject's facts and the epoch they were worked out at, kept on the subject object itself (a
 * cached user's subject is the same object for every decision about it). A lookup in a side
 * table of 50,000 users was a few cache misses per decision; two hidden properties added to the
 * object are one. Not enumerable, so a spread (a trusted view) or a serialisation leaves them out.
 */
const FACTS = Symbol('facts');
const EPOCH = Symbol('facts epoch');

interface Holder {
  [FACTS]?: SubjectFacts;
  [EPOCH]?: number;
}

/** The subject's facts, worked out again only when policies compiled since added ids. */
export function subjectFacts(subject: Subject): SubjectFacts {
  const held = subject as Subject & Holder;
  if (held[EPOCH] === epoch) return held[FACTS]!;
  // A view without groups or attributes (an untrusted IAM's) is made per decision: not worth
  // keeping. Its IAM's id is left out too, so a plan's test of trust reads it as untrusted: the
  // same answers, as it has no groups or attributes to set aside.
  if (subject.groups.size === 0 && subject.attributes.size === 0) return NO_FACTS;
  const facts = collect(subject);
  if (held[EPOCH] !== undefined) {
    held[FACTS] = facts;
    held[EPOCH] = epoch;
  } else if (Object.isExtensible(subject)) {
    Object.defineProperty(subject, FACTS, { value: facts, writable: true });
    Object.defineProperty(subject, EPOCH, { value: epoch, writable: true });
  }
  return facts;
}

/** Some id of `ids[from..to)` is among `facts` (both sorted). */
export function holdsAny(facts: SubjectFacts, ids: Int32Array, from = 0, to = ids.length): boolean {
  let i = 0;
  let j = from;
  while (i < facts.length && j < to) {
    const a = facts[i]!;
    const b = ids[j]!;
    if (a === b) return true;
    if (a < b) i++;
    else j++;
  }
  return false;
}

/** Every id of `ids[from..to)` is among `facts` (both sorted). */
export function holdsAll(facts: SubjectFacts, ids: Int32Array, from = 0, to = ids.length): boolean {
  let i = 0;
  for (let j = from; j < to; j++) {
    const b = ids[j]!;
    while (i < facts.length && facts[i]! < b) i++;
    if (i === facts.length || facts[i] !== b) return false;
    i++;
  }
  return true;
}
