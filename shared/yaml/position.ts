import { isNode, type Document, type LineCounter } from 'yaml';

/** A line and column, 1-based, as editors and compilers report them. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/**
 * Where the deepest node of `path` the document holds starts (a missing field: its parent),
 * looking no shallower than `shallowest` segments; undefined when none is there. The CLI and the
 * console point at the field a message names through this one rule.
 */
export function positionOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[], shallowest = 0): Position | undefined {
  for (let n = path.length; n >= shallowest; n--) {
    const node = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]);
  }
  return undefined;
}
