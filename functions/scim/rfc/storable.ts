import { excerpt, InvalidValueError } from './errors.ts';
import { isObject, type ScimResource } from './path.ts';

/** Stored resources stay well under DynamoDB's 400 KB item limit, with room for keys and bookkeeping. */
const MAX_RESOURCE_BYTES = 300_000;
/** DynamoDB nests at most 32 levels; SCIM resources need three or four. */
export const MAX_DEPTH = 16;
/** Attribute names become sort keys of Warden attributes (at most 1 KB). */
const MAX_NAME = 256;
/** Extension attribute names become Warden attribute keys, which every route must be able to address. */
const CONTROL = /[\u0000-\u001f]/;
/** Values that key an index (userName, displayName, externalId) must fit a 2 KB partition key. */
export const MAX_INDEXED_VALUE = 512;

function check(value: unknown, depth: number, where: string): void {
  if (depth > MAX_DEPTH) throw new InvalidValueError(`\`${where}\` is nested too deeply`);
  if (typeof value === 'number') {
    // DynamoDB numbers hold 38 digits between 1e-130 and 1e126.
    const abs = Math.abs(value);
    if (!Number.isFinite(value) || (abs !== 0 && (abs < 1e-130 || abs >= 1e126))) {
      throw new InvalidValueError(`\`${where}\` is a number out of range`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => check(v, depth + 1, `${where}[${i}]`));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '' || k.length > MAX_NAME) throw new InvalidValueError(`\`${where}\` has an attribute name that is empty or longer than ${MAX_NAME} characters`);
      if (CONTROL.test(k)) throw new InvalidValueError(`attribute name \`${excerpt(k)}\` has control characters`);
      check(v, depth + 1, where ? `${where}.${k}` : k);
    }
  }
}

/**
 * Refuses (400 `invalidValue`) a resource the store could not keep as sent: too large, too
 * deep, numbers DynamoDB cannot represent, or an indexed value too long to be a key.
 */
export function assertStorable(resource: ScimResource, indexed: readonly string[]): void {
  if (Buffer.byteLength(JSON.stringify(resource)) > MAX_RESOURCE_BYTES) {
    throw new InvalidValueError(`the resource exceeds ${MAX_RESOURCE_BYTES} bytes`);
  }
  check(resource, 0, '');
  for (const name of indexed) {
    const v = resource[name];
    if (typeof v === 'string' && v.length > MAX_INDEXED_VALUE) throw new InvalidValueError(`\`${name}\` is longer than ${MAX_INDEXED_VALUE} characters`);
    if (v !== undefined && typeof v !== 'string') throw new InvalidValueError(`\`${name}\` must be a string`);
  }
}
