/** One difference between the live and the desired value of a field. */
export interface FieldChange {
  /** `actions.entitlements.groups[1]`; empty for the whole object. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * The fields that differ between two JSON values, deepest first found: objects by key, arrays by
 * position (an element added or removed at the end is one change). Equal values: none.
 */
export function fieldDiff(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => fieldDiff(before[k], after[k], join(path, k)));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => fieldDiff(before[i], after[i], join(path, i))).flat();
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

/** A value as a diff line shows it: JSON, cut at 120 characters. */
export function shown(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** `path: before → after`, `path: + after` or `path: - before`. */
export function describeChange(c: FieldChange): string {
  const at = c.path || '(document)';
  if (c.before === undefined) return `${at}: + ${shown(c.after)}`;
  if (c.after === undefined) return `${at}: - ${shown(c.before)}`;
  return `${at}: ${shown(c.before)} → ${shown(c.after)}`;
}
