import { dict, ownValue } from '#shared/model/dict.ts';
import type { Attributes, Source } from '#shared/model/identity.ts';
import { identityKeys } from './key-formats.ts';
import type { TransactItem } from './transact.ts';

/** Attribute values per source, as a user's or a group's partition holds them (one item per key). */
export type SourceAttributes = Partial<Record<Source, Attributes>>;

/** One Put per key with values, one Delete per key without, for one source in the partition `pk`. */
export function attributeItems(table: string, pk: string, source: Source, values: Attributes): TransactItem[] {
  return Object.entries(values).map(([key, vals]) => {
    const sk = identityKeys.attr(source, key);
    const unique = [...new Set(vals)];
    return unique.length ? { Put: { TableName: table, Item: { pk, sk, source, key, values: unique } } } : { Delete: { TableName: table, Key: { pk, sk } } };
  });
}

/** What to write for a source so its values become exactly `values` (empty list = remove the key). */
export function attributeChanges(before: Attributes, values: Attributes): Attributes {
  const changes = dict<string[]>();
  for (const key of Object.keys(before)) if (!Object.hasOwn(values, key)) changes[key] = [];
  for (const [key, vals] of Object.entries(values)) {
    const old = ownValue(before, key) ?? [];
    const same = old.length === new Set(vals).size && vals.every((v) => old.includes(v));
    if (!same) changes[key] = vals;
  }
  return changes;
}

/** The attribute values of a partition's items, per source. */
export function readAttributes(items: ReadonlyArray<Record<string, unknown>>): SourceAttributes {
  const attributes: SourceAttributes = {};
  for (const item of items) {
    if (!(item.sk as string).startsWith(identityKeys.attrPrefix)) continue;
    (attributes[item.source as Source] ??= dict())[item.key as string] = item.values as string[];
  }
  return attributes;
}
