import { attributeInfo, type AttributeInfo } from './attributes.ts';
import type { CompareOp, Filter, Literal } from './filter.ts';
import { getIgnoringCase, holderOf, isObject, valuesAt, type AttrPath, type ScimResource } from './path.ts';

/**
 * The attribute path as seen from the resource root, for the attribute's characteristics:
 * inside `emails[…]`, `value` is `emails.value`.
 */
function absolute(path: AttrPath, parent: AttrPath | undefined): AttrPath {
  return parent ? { ...(parent.schema ? { schema: parent.schema } : {}), attr: parent.attr, sub: path.attr } : path;
}

/**
 * Values a condition tests. A complex value compared without a sub-attribute is compared by its
 * `value` sub-attribute (`members eq "id"`), as most clients expect.
 */
function operands(target: ScimResource, path: AttrPath): unknown[] {
  return valuesAt(target, path).map((v) => (isObject(v) ? getIgnoringCase(v, 'value') : v)).filter((v) => v !== undefined && v !== null);
}

function fold(s: string, info: AttributeInfo): string {
  return info.caseExact ? s : s.toLowerCase();
}

function equal(actual: unknown, expected: Literal, info: AttributeInfo): boolean {
  if (typeof actual === 'string' && typeof expected === 'string') return fold(actual, info) === fold(expected, info);
  // Entra writes booleans as "True"/"False"; a filter may do the same.
  if (typeof actual === 'boolean' && typeof expected === 'string') return String(actual) === expected.toLowerCase();
  return actual === expected;
}

/** Negative, zero or positive; undefined when the two cannot be ordered. */
function order(actual: unknown, expected: Literal, info: AttributeInfo): number | undefined {
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual !== 'string' || typeof expected !== 'string') return undefined;
  if (info.type === 'dateTime') {
    const a = Date.parse(actual);
    const b = Date.parse(expected);
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : a - b;
  }
  const a = fold(actual, info);
  const b = fold(expected, info);
  return a < b ? -1 : a > b ? 1 : 0;
}

function test(actual: unknown, op: Exclude<CompareOp, 'ne'>, expected: Literal, info: AttributeInfo): boolean {
  switch (op) {
    case 'eq':
      return equal(actual, expected, info);
    case 'co':
    case 'sw':
    case 'ew': {
      if (typeof actual !== 'string' || typeof expected !== 'string') return false;
      const a = fold(actual, info);
      const b = fold(expected, info);
      return op === 'co' ? a.includes(b) : op === 'sw' ? a.startsWith(b) : a.endsWith(b);
    }
    default: {
      const c = order(actual, expected, info);
      if (c === undefined) return false;
      return op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
  }
}

function evaluate(filter: Filter, target: ScimResource, parent: AttrPath | undefined): boolean {
  switch (filter.kind) {
    case 'and':
      return evaluate(filter.left, target, parent) && evaluate(filter.right, target, parent);
    case 'or':
      return evaluate(filter.left, target, parent) || evaluate(filter.right, target, parent);
    case 'not':
      return !evaluate(filter.filter, target, parent);
    case 'present':
      return valuesAt(target, filter.path).some((v) => v !== '' && !(Array.isArray(v) && v.length === 0) && !(isObject(v) && Object.keys(v).length === 0));
    case 'valuePath': {
      const raw = getIgnoringCase(holderOf(target, filter.path), filter.path.attr);
      const elements = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
      return elements.some((e) => isObject(e) && evaluate(filter.filter, e, filter.path));
    }
    case 'compare': {
      const info = attributeInfo(absolute(filter.path, parent));
      const values = operands(target, filter.path);
      // `null` stands for "no value": `eq null` holds when absent. `ne` is the negation of `eq`,
      // so `emails.value ne "x"` means no email is `x`.
      if (filter.value === null) return (values.length === 0) === (filter.op === 'eq');
      if (filter.op === 'ne') return !values.some((v) => equal(v, filter.value, info));
      const op = filter.op;
      return values.some((v) => test(v, op, filter.value, info));
    }
  }
}

/** True when `resource` satisfies `filter` under RFC 7644 semantics (case folding per attribute). */
export function matchesFilter(filter: Filter, resource: ScimResource): boolean {
  return evaluate(filter, resource, undefined);
}

/** True when one element of multi-valued attribute `parent` satisfies a value filter (`emails[type eq "work"]`). */
export function matchesElement(filter: Filter, element: Record<string, unknown>, parent: AttrPath): boolean {
  return evaluate(filter, element, parent);
}
