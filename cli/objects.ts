import * as z from 'zod';
import { dataSourceInputSchema } from '#shared/model/catalog.ts';
import { idSchema } from '#shared/model/identity.ts';
import { policyDocumentSchema } from '#shared/model/policy.ts';
import { withoutBookkeeping } from '#shared/model/bookkeeping.ts';

/** What a file of the repository describes: a policy by key, or a data source by id. */
export type Kind = 'policy' | 'dataSource';

/** One object in canonical form: the fields the API takes, with defaults, in a stable order. */
export interface WardenObject {
  readonly kind: Kind;
  readonly key: string;
  readonly body: Record<string, unknown>;
}

/** An object read from a file, with where it came from. */
export interface LocalObject extends WardenObject {
  readonly file: string;
  readonly line: number;
}

/** A data source file: its `id` and the body of `PUT /v1/data-sources/{id}`. */
export const dataSourceFileSchema = dataSourceInputSchema.extend({ id: idSchema });


/** Which kind a document is: a policy has a `policyKey` or a policy `type`; anything else is a data source. */
export function kindOf(value: Record<string, unknown>): Kind {
  return 'policyKey' in value || value.type === 'subscription' || value.type === 'data' ? 'policy' : 'dataSource';
}

/** The schema a document of a kind is checked by. */
export const schemaOf = (kind: Kind): z.ZodType => (kind === 'policy' ? policyDocumentSchema : dataSourceFileSchema);

/**
 * The canonical form of a document (from a file, or as the API answers it): parsed by the
 * schema its kind is written in, so defaults are filled and keys come in the schema's order.
 */
export function canonical(kind: Kind, value: Record<string, unknown>): WardenObject {
  const parsed = schemaOf(kind).parse(withoutBookkeeping(value)) as Record<string, unknown>;
  if (kind === 'policy') return { kind, key: String(parsed.policyKey), body: parsed };
  const { id, ...rest } = parsed;
  return { kind, key: String(id), body: { id, ...rest } };
}

/** `policy \`key\`` or `data source \`id\``, as messages name an object. */
export const label = (o: Pick<WardenObject, 'kind' | 'key'>): string => `${o.kind === 'policy' ? 'policy' : 'data source'} \`${o.key}\``;

/**
 * Where an object is written by `warden export`: `policies/<key>.yaml`, `data-sources/<id>.yaml`.
 * A data source id may hold `/` or start with `.`: the name is percent-encoded so that it stays
 * one visible file inside the directory.
 */
export function exportPath(o: Pick<WardenObject, 'kind' | 'key'>): string {
  const name = encodeURIComponent(o.key).replace(/^\./, '%2E');
  return `${o.kind === 'policy' ? 'policies' : 'data-sources'}/${name}.yaml`;
}
