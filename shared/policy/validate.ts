import type * as z from 'zod';
import { dataPolicySchema, policyKeySchema, subscriptionPolicySchema, type DataPolicy, type PolicyDocument } from '#shared/model/policy.ts';
import { parseCondition } from './condition/parser.ts';
import { validateDataRules } from './data/validate.ts';
import { PolicyValidationError, RegexSyntaxError } from './errors.ts';
import { columnRegex } from './targeting.ts';

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

function prefix(input: unknown): string {
  const key = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).policyKey : undefined;
  return policyKeySchema.safeParse(key).success ? `invalid policy \`${String(key)}\`` : 'invalid policy';
}

/** `['rules', 0, 'fields']` → `rules[0].fields`, the way data-rule errors name fields too. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => (i.path.length ? `\`${fieldPath(i.path)}\`: ${lowerFirst(i.message)}` : lowerFirst(i.message))).join('; ');
}

function checkRegexes(doc: PolicyDocument, fail: (field: string, problem: string) => never): void {
  doc.circumstances.forEach((c, i) => {
    if (c.type !== 'columnRegex') return;
    try {
      columnRegex(c);
    } catch (error) {
      if (!(error instanceof RegexSyntaxError)) throw error;
      fail(`circumstances[${i}].regex`, error.message);
    }
  });
}

/**
 * Validates a policy document as written (JSON or YAML, already parsed): the schema chosen by
 * `type`, then regexes and advanced conditions. Throws `PolicyValidationError` naming the field.
 */
export function parsePolicyDocument(input: unknown): PolicyDocument {
  const head = prefix(input);
  const fail = (field: string, problem: string): never => {
    throw new PolicyValidationError(`${head}: \`${field}\`: ${problem}`);
  };
  const type = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).type : undefined;
  if (type !== 'subscription' && type !== 'data') {
    return fail('type', `expected \`subscription\` or \`data\`, got \`${String(type)}\``);
  }
  const parsed = type === 'subscription' ? subscriptionPolicySchema.safeParse(input) : dataPolicySchema.safeParse(input);
  if (!parsed.success) throw new PolicyValidationError(`${head}: ${formatIssues(parsed.error.issues)}`);
  const doc: PolicyDocument = parsed.data;
  checkRegexes(doc, fail);
  if (doc.type === 'subscription') {
    const advanced = doc.actions.entitlements?.advanced;
    if (advanced !== undefined) {
      try {
        parseCondition(advanced);
      } catch (error) {
        fail('actions.entitlements.advanced', (error as Error).message);
      }
    }
  } else {
    validateData(doc, head);
  }
  return doc;
}

function validateData(doc: DataPolicy, head: string): void {
  try {
    validateDataRules(doc);
  } catch (error) {
    if (error instanceof PolicyValidationError) throw error;
    throw new PolicyValidationError(`${head}: ${(error as Error).message}`);
  }
}
