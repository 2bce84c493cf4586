import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { positionOf } from '#shared/yaml/position.ts';

const text = ['policyKey: p', 'actions:', '  type: subscription', 'rules:', '  - fields: [a]', ''].join('\n');
const lines = new LineCounter();
const doc = parseDocument(text, { lineCounter: lines });

describe('positionOf', () => {
  it('points at the node a path names', () => {
    expect(positionOf(doc, lines, ['actions', 'type'])).toEqual({ line: 3, col: 9 });
    expect(positionOf(doc, lines, ['rules', 0, 'fields'])).toEqual({ line: 5, col: 13 });
  });

  it('points at the parent of a missing field', () => {
    expect(positionOf(doc, lines, ['actions', 'missing'])).toEqual({ line: 3, col: 3 });
  });

  it('stops at the shallowest depth asked for', () => {
    expect(positionOf(doc, lines, ['nowhere'])).toEqual({ line: 1, col: 1 });
    expect(positionOf(doc, lines, ['nowhere'], 1)).toBeUndefined();
  });
});
