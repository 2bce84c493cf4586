import { MAX_RESULTS } from './discovery.ts';
import { InvalidSyntaxError, InvalidValueError } from './errors.ts';
import { parseFilter, type Filter } from './filter.ts';
import { getIgnoringCase, isObject } from './path.ts';
import type { ProjectionOptions } from './projection.ts';

/** The RFC 7644 §3.4.2 query parameters of a list request. */
export interface ListParams extends ProjectionOptions {
  readonly filter?: Filter;
  readonly startIndex: number;
  readonly count: number;
}

/** Reads one parameter: from the query string, or from a `/.search` body. */
export type Param = (name: string) => string | undefined;

function integer(param: Param, name: string): number | undefined {
  const raw = param(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*-?\d{1,15}\s*$/.test(raw)) throw new InvalidValueError(`\`${name}\` must be an integer, got \`${raw}\``);
  return Number(raw);
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), of any read. */
export function projectionParams(param: Param): ProjectionOptions {
  const attributes = param('attributes');
  const excludedAttributes = param('excludedAttributes');
  return { ...(attributes !== undefined ? { attributes } : {}), ...(excludedAttributes !== undefined ? { excludedAttributes } : {}) };
}

/** The list parameters of a query: `startIndex` below 1 means 1, `count` is clamped to 0‥`MAX_RESULTS`. */
export function listParams(param: Param): ListParams {
  const text = param('filter');
  const startIndex = Math.max(1, integer(param, 'startIndex') ?? 1);
  const count = Math.min(MAX_RESULTS, Math.max(0, integer(param, 'count') ?? MAX_RESULTS));
  return { ...projectionParams(param), ...(text !== undefined && text.trim() !== '' ? { filter: parseFilter(text) } : {}), startIndex, count };
}

/** The list parameters of a `POST /.search` body (RFC 7644 §3.4.3): attribute lists are arrays there. */
export function searchParams(body: unknown): ListParams {
  if (!isObject(body)) throw new InvalidSyntaxError('the search request must be a JSON object');
  return listParams((name) => {
    const v = getIgnoringCase(body, name);
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new InvalidValueError(`\`${name}\` has the wrong type`);
  });
}

/** True when the projection returns attribute `name` (case-insensitive), e.g. a group's `members`. */
export function returnsAttribute(options: ProjectionOptions, name: string): boolean {
  const top = (p: string) => p.trim().toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:\w+:/, '').split('.')[0];
  const listed = (list: string) => list.split(',').some((p) => top(p) === name.toLowerCase());
  if (options.attributes !== undefined && options.attributes.trim() !== '') return listed(options.attributes);
  return !(options.excludedAttributes !== undefined && listed(options.excludedAttributes));
}
