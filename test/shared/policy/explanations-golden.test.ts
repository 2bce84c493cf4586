import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideSubscription } from '#shared/policy/subscription-decision.ts';
import { generatedOrgArb, materialise, type GeneratedOrg } from './generated-org.ts';

/*
 * The decisions, explanations included, of generated organisations, recorded from the engine
 * as it was when explanations were still built eagerly (`explanations-golden.json`). Whatever
 * makes decisions faster must give every one of them back, word for word. To record the file
 * again after a deliberate change of wording: `WARDEN_RECORD_GOLDEN=1 npx vitest run <this file>`.
 */

const GOLDEN = new URL('./explanations-golden.json', import.meta.url);

interface Recorded {
  readonly org: GeneratedOrg;
  readonly decisions: unknown[];
}

function decisionsOf(org: GeneratedOrg): unknown[] {
  const { snapshot, questions } = materialise(org);
  // Through JSON, as the API sends it: only what a caller can read counts.
  return questions.map((q) => JSON.parse(JSON.stringify(decideSubscription(snapshot, q.subject, q.sourceId, q.opts))));
}

describe('explanations against the recorded golden', () => {
  if (process.env.WARDEN_RECORD_GOLDEN === '1') {
    it('records the golden', () => {
      const orgs = fc.sample(generatedOrgArb, { seed: 16, numRuns: 300 });
      const recorded: Recorded[] = orgs.map((org) => ({ org, decisions: decisionsOf(org) }));
      writeFileSync(GOLDEN, `${JSON.stringify(recorded)}\n`);
    });
    return;
  }

  const recorded = JSON.parse(readFileSync(GOLDEN, 'utf8')) as Recorded[];

  it('gives every recorded decision back unchanged, reasons and explanations included', () => {
    for (const { org, decisions } of recorded) expect(decisionsOf(org), JSON.stringify(org)).toEqual(decisions);
  });

  it('records a golden that exercises every kind of answer', () => {
    const all = recorded.flatMap((r) => r.decisions) as Array<{ access: string; reason?: string; subscription: Array<{ explanation: string }>; disabledPolicies?: string[] }>;
    const explanations = all.flatMap((d) => d.subscription.map((v) => v.explanation));
    expect(all.length).toBeGreaterThan(1500);
    expect(all.filter((d) => d.access === 'granted').length).toBeGreaterThan(all.length / 10);
    expect(all.some((d) => d.reason === 'approved access request')).toBe(true);
    expect(all.some((d) => d.reason === 'user is inactive')).toBe(true);
    expect(all.some((d) => d.reason?.startsWith('not satisfied'))).toBe(true);
    expect(all.some((d) => d.disabledPolicies?.length)).toBe(true);
    expect(explanations.some((e) => e.startsWith('policy does not compile'))).toBe(true);
    expect(explanations.some((e) => e.includes('is not trusted by this policy'))).toBe(true);
    expect(explanations.some((e) => e.includes('covers'))).toBe(true);
  });
});
