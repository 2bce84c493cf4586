import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateDataPlan, planDataPolicies } from '#shared/policy/data/index.ts';
import { at, enginePolicies, USERS } from '../data/engine-fixtures.ts';
import { TRUSTED } from '../data/fixtures.ts';

// Snowflake and Databricks have no engine here: their SQL is reviewed by hand in these files.
// Regenerate with UPDATE_GOLDEN=1 and review the diff.
const plan = planDataPolicies(at('demo', 'public'), enginePolicies(true), TRUSTED);

describe.each(['snowflake', 'databricks'] as const)('%s golden queries', (dialect) => {
  it('match the reviewed file', () => {
    const text = Object.entries(USERS)
      .map(([name, who]) => `-- ${name}\n${evaluateDataPlan(plan, who, dialect).query};\n`)
      .join('\n');
    const file = new URL(`./golden/${dialect}.sql`, import.meta.url);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});
