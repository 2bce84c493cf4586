import type { EntityJson, EntityUidJson } from '@cedar-policy/cedar-wasm/nodejs';
import type { DataSource } from '#shared/model/catalog.ts';
import type { Subject } from '#shared/model/identity.ts';
import { BUILT_IN_IAM } from '#shared/model/identity.ts';
import type { Circumstance, StoredPolicy, SubscriptionPolicy } from '#shared/model/policy.ts';
import type { ConditionNode } from '#shared/policy/condition/ast.ts';
import { parseCondition } from '#shared/policy/condition/parser.ts';
import { lineage } from '#shared/policy/tags.ts';

/**
 * Translates Warden subscription policies and their world into Cedar, for differential tests
 * and the benchmark. Tags are entities (`Tag::"A.B"` is a parent of `Tag::"A.B.C"`, column tags
 * are `ColTag`), so hierarchical matching is Cedar's own `in`; wildcard attribute values use a
 * precomputed record of each user's strict value ancestors. Supported: levels anyone,
 * entitlements and individuals; circumstances tags, columnTags and dataSources. Domains,
 * column regexes and the approval level have no translation and throw.
 */

const str = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const uid = (type: string, id: string): EntityUidJson => ({ type, id });
const ref = (type: string, id: string) => ({ __entity: { type, id } });
const userId = (iamid: string, userid: string): string => `${iamid}/${userid}`;
const or = (xs: string[]): string => (xs.length ? `(${xs.join(' || ')})` : 'false');
const and = (xs: string[]): string => (xs.length ? `(${xs.join(' && ')})` : 'true');

function attribute(name: string, value: string): string {
  if (value.endsWith('.*')) return `(principal.strictAncestors has ${str(name)} && principal.strictAncestors[${str(name)}].contains(${str(value.slice(0, -2))}))`;
  return `(principal.attrs has ${str(name)} && principal.attrs[${str(name)}].contains(${str(value)}))`;
}

function condition(node: ConditionNode): string {
  switch (node.kind) {
    case 'hasAttribute':
      return attribute(node.name, node.value);
    case 'isInGroups':
      return and(node.groups.map((g) => `principal in Group::${str(g)}`));
    case 'iam':
      return `principal.iam == ${str(node.iamid)}`;
    case 'hasTagAsAttribute': {
      const rec = node.scope === 'dataSource' ? 'principal.tagAttrs' : 'principal.colTagAttrs';
      return `(${rec} has ${str(node.name)} && resource in ${rec}[${str(node.name)}])`;
    }
    case 'hasTagAsGroup':
      return `(resource in ${node.scope === 'dataSource' ? 'principal.groupTags' : 'principal.groupColTags'})`;
    case 'and':
      return `(${condition(node.left)} && ${condition(node.right)})`;
    case 'or':
      return `(${condition(node.left)} || ${condition(node.right)})`;
    case 'not':
      return `!(${condition(node.operand)})`;
  }
}

function grantCondition(p: SubscriptionPolicy): string {
  const a = p.actions;
  if (a.type === 'anyone') return 'true';
  if (a.type === 'individuals') return or((a.individuals ?? []).map((i) => `principal == User::${str(userId(i.iamid ?? BUILT_IN_IAM, i.userid))}`));
  if (a.type !== 'entitlements' || !a.entitlements) throw new Error(`no cedar translation for level \`${a.type}\``);
  const e = a.entitlements;
  const listed = [...e.groups.map((g) => `principal in Group::${str(g)}`), ...e.attributes.map((x) => attribute(x.name, x.value))];
  const combine = e.operator === 'all' ? and : or;
  if (e.advanced === undefined) return combine(listed);
  const adv = condition(parseCondition(e.advanced));
  return listed.length === 0 ? adv : combine([...listed, adv]);
}

function circumstance(c: Circumstance): string {
  switch (c.type) {
    case 'tags':
      return `resource in Tag::${str(c.tag)}`;
    case 'columnTags':
      return `resource in ColTag::${str(c.tag)}`;
    case 'dataSources':
      return or(c.ids.map((id) => `resource == Source::${str(id)}`));
    default:
      throw new Error(`no cedar translation for circumstance \`${c.type}\``);
  }
}

function target(p: SubscriptionPolicy): string {
  if (p.circumstances.length === 0) return 'true';
  const parts = p.circumstances.map(circumstance);
  return p.circumstanceOperator === 'all' ? and(parts) : or(parts);
}

/**
 * The Cedar policy set. Share Responsibility → `permit when {target && grant}`. Always
 * Required → `forbid when {target} unless {grant}`, plus a permit that lets it decide alone
 * where no Share Responsibility policy targets the source: inline (a disjunction of their
 * targets) or, with `sharedAttribute`, read from a precomputed `resource.shared` flag.
 */
export function cedarPolicies(policies: readonly StoredPolicy[], opts: { sharedAttribute?: boolean } = {}): string {
  const active = policies.map((p) => p.document).filter((d): d is SubscriptionPolicy => d.type === 'subscription' && !d.staged);
  const shares = active.filter((p) => p.actions.merge === 'shareResponsibility');
  const noShare = opts.sharedAttribute ? '!resource.shared' : `!${or(shares.map(target))}`;
  const out = ['forbid (principal, action, resource) unless { principal.active };'];
  for (const p of active) {
    const t = target(p);
    const g = grantCondition(p);
    if (p.actions.merge === 'shareResponsibility') {
      out.push(`@id(${str(p.policyKey)}) permit (principal, action, resource) when { ${t} && ${g} };`);
    } else {
      out.push(`@id(${str(`${p.policyKey}/guard`)}) forbid (principal, action, resource) when { ${t} } unless { ${g} };`);
      out.push(`@id(${str(`${p.policyKey}/alone`)}) permit (principal, action, resource) when { ${t} && ${g} && ${noShare} };`);
    }
  }
  return out.join('\n');
}

function recordOfSets(attrs: ReadonlyMap<string, ReadonlySet<string>>, map: (v: string) => unknown[]): Record<string, unknown[]> {
  return Object.fromEntries([...attrs].map(([k, vs]) => [k, [...vs].flatMap(map)]));
}

/** The user entity, with the derived attributes the translated policies read. */
export function cedarUser(s: Subject): EntityJson {
  const strict = (v: string): string[] => lineage(v).slice(0, -1);
  const attrs = {
    active: s.active,
    iam: s.iamid,
    attrs: recordOfSets(s.attributes, (v) => [v]),
    strictAncestors: recordOfSets(s.attributes, strict),
    tagAttrs: recordOfSets(s.attributes, (v) => [ref('Tag', v)]),
    colTagAttrs: recordOfSets(s.attributes, (v) => [ref('ColTag', v)]),
    groupTags: [...s.groups].map((g) => ref('Tag', g)),
    groupColTags: [...s.groups].map((g) => ref('ColTag', g)),
  };
  return { uid: uid('User', userId(s.iamid, s.userid)), attrs: attrs as EntityJson['attrs'], parents: [...s.groups].map((g) => uid('Group', g)) };
}

function tagEntities(type: string, tags: Iterable<string>): EntityJson[] {
  const seen = new Set<string>();
  for (const t of tags) for (const a of lineage(t)) seen.add(a);
  return [...seen].map((t) => {
    const parent = t.lastIndexOf('.');
    return { uid: uid(type, t), attrs: {}, parents: parent === -1 ? [] : [uid(type, t.slice(0, parent))] };
  });
}

/** The source entity and the tag entities of its lineage (column tags as `ColTag`). */
export function cedarSource(source: DataSource, shared = false): EntityJson[] {
  const columnTags = source.columns.flatMap((c) => c.tags);
  const self: EntityJson = {
    uid: uid('Source', source.id),
    attrs: { shared },
    parents: [...source.tags.map((t) => uid('Tag', t)), ...columnTags.map((t) => uid('ColTag', t))],
  };
  return [self, ...tagEntities('Tag', source.tags), ...tagEntities('ColTag', columnTags)];
}

/** The request of a (user, source) pair. */
export function cedarRequest(s: Subject, sourceId: string) {
  return { principal: uid('User', userId(s.iamid, s.userid)), action: uid('Action', 'query'), resource: uid('Source', sourceId), context: {} };
}
