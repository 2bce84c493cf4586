/*
 * The lookups that answer a filter without reading every resource: an `eq` on an attribute the
 * store indexes, and the ids a filter compares a relation with. A Group's `members` and a User's
 * `groups` are not stored on the resource: each membership is an item of its own. A filter on
 * them (Entra's `id eq "G" and members eq "U"`) is answered from the membership items of the ids
 * it names, which the resource then carries while it is matched.
 */
import { InvalidFilterError } from './errors.ts';
import type { Filter } from './filter.ts';
import { formatPath, type AttrPath, type ScimResource } from './path.ts';

/** A multi-valued attribute made of memberships. */
export type Relation = 'members' | 'groups';

const named = (path: AttrPath, relation: Relation): boolean => !path.schema && path.attr.toLowerCase() === relation;
/** `value` inside a value filter (`members[value eq "id"]`). */
const isValue = (path: AttrPath): boolean => !path.schema && path.attr.toLowerCase() === 'value' && path.sub === undefined;
/** `members` or `members.value` (a complex value compares by its `value`). */
const onValue = (path: AttrPath, relation: Relation): boolean => named(path, relation) && (path.sub === undefined || path.sub.toLowerCase() === 'value');

function unsupported(relation: Relation, what: string): never {
  throw new InvalidFilterError(`a filter on \`${relation}\` can only compare the id: \`${relation} eq "<id>"\`, \`${relation}.value ne "<id>"\` or \`${relation}[value eq "<id>"]\`, not \`${what}\``);
}

/** The id a condition compares with `eq`/`ne`, when `attr` holds for its path. */
function comparedId(f: Filter, attr: (path: AttrPath) => boolean, ops: readonly string[]): string | undefined {
  return f.kind === 'compare' && attr(f.path) && ops.includes(f.op) && typeof f.value === 'string' ? f.value : undefined;
}

/**
 * The ids `filter` compares `relation` with. Only equality on the id can be answered from the
 * membership items; any other condition on `relation` is a 400 `invalidFilter`, never a
 * filter that silently matches nothing.
 */
export function relationIds(filter: Filter, relation: Relation): string[] {
  const ids = new Set<string>();
  const add = (f: Filter, attr: (path: AttrPath) => boolean): void => {
    const id = comparedId(f, attr, ['eq', 'ne']);
    if (id === undefined) unsupported(relation, f.kind === 'compare' || f.kind === 'present' ? formatPath(f.path) : f.kind);
    ids.add(id);
  };
  const visit = (f: Filter, inValuePath: boolean): void => {
    switch (f.kind) {
      case 'and':
      case 'or':
        visit(f.left, inValuePath);
        return visit(f.right, inValuePath);
      case 'not':
        return visit(f.filter, inValuePath);
      case 'valuePath':
        if (named(f.path, relation)) visit(f.filter, true);
        return;
      default:
        if (inValuePath) add(f, isValue);
        else if (named(f.path, relation)) add(f, (p) => onValue(p, relation));
    }
  };
  visit(filter, false);
  return [...ids];
}

/** The id every match must be related to: a top-level conjunct `relation eq "id"`, if there is one. */
export function relationConjunct(filter: Filter, relation: Relation): string | undefined {
  if (filter.kind === 'and') return relationConjunct(filter.left, relation) ?? relationConjunct(filter.right, relation);
  if (filter.kind === 'valuePath') return named(filter.path, relation) ? comparedId(filter.filter, isValue, ['eq']) : undefined;
  return comparedId(filter, (p) => onValue(p, relation), ['eq']);
}

/**
 * `resource` carrying, as `relation`, the ids of `related` it belongs with (`related` maps an id
 * the filter names to the resources related to it; `self` is this resource's key there).
 */
export function withRelation(resource: ScimResource, relation: Relation, related: ReadonlyMap<string, ReadonlySet<string>>, self: string): ScimResource {
  return { ...resource, [relation]: [...related].filter(([, set]) => set.has(self)).map(([value]) => ({ value })) };
}

/** The attributes the store indexes for equality lookups. */
export type IndexedAttribute = 'id' | 'userName' | 'externalId' | 'displayName';
const INDEXED: readonly IndexedAttribute[] = ['id', 'userName', 'externalId', 'displayName'];

/**
 * An `eq` on an indexed attribute that every match must satisfy (the filter itself, or one
 * conjunct of a top-level `and`), so the store can query an index and evaluate the rest of the
 * filter in memory. `userName` and `displayName` compare case-insensitively: look up the folded
 * value. Prefers the most selective attribute (`id`, then `userName`, `externalId`, `displayName`).
 */
export function indexableEquality(filter: Filter): { attr: IndexedAttribute; value: string } | undefined {
  const found: Array<{ attr: IndexedAttribute; value: string }> = [];
  const visit = (f: Filter): void => {
    if (f.kind === 'and') {
      visit(f.left);
      visit(f.right);
    } else if (f.kind === 'compare' && f.op === 'eq' && typeof f.value === 'string' && !f.path.schema && f.path.sub === undefined) {
      const attr = INDEXED.find((a) => a.toLowerCase() === f.path.attr.toLowerCase());
      if (attr) found.push({ attr, value: f.value });
    }
  };
  visit(filter);
  found.sort((a, b) => INDEXED.indexOf(a.attr) - INDEXED.indexOf(b.attr));
  return found[0];
}
