import type { Subject } from '#shared/model/identity.ts';
import type { ConditionOutcome } from '../conditions.ts';
import { qualified } from '../conditions.ts';
import type { SourceFacts } from '../source-facts.ts';
import { covers } from '../tags.ts';
import type { ConditionNode, TagScope } from './ast.ts';
import { testOf } from './code.ts';
import type { TestCode } from './test-code.ts';
import { attributeFact, factSet, groupFact, type SubjectFacts } from './facts.ts';

/**
 * A compiled condition: `test` is the fast path (simulation, merges), `evaluate` also says
 * which part held or failed. Both give the same `holds`. `code` is what `test` runs, for an
 * access plan to inline; `test` takes the subject's facts when the caller has them (see
 * `subjectFacts`).
 */
export interface CompiledCondition {
  readonly code: TestCode;
  readonly test: (subject: Subject, source: SourceFacts, facts?: SubjectFacts) => boolean;
  readonly evaluate: (subject: Subject, source: SourceFacts) => ConditionOutcome;
}

function scopeSet(source: SourceFacts, scope: TagScope): ReadonlySet<string> {
  return scope === 'dataSource' ? source.tagLineage : source.columnTagLineage;
}

function scopeTags(source: SourceFacts, scope: TagScope): string[] {
  return scope === 'dataSource' ? source.source.tags : source.source.columns.flatMap((c) => c.tags);
}

/** The first user value that covers a tag in scope, with that tag. */
function firstMatch(values: Iterable<string>, source: SourceFacts, scope: TagScope): [string, string] | undefined {
  const set = scopeSet(source, scope);
  for (const v of values) {
    if (!set.has(v)) continue;
    const tag = scopeTags(source, scope).find((t) => covers(v, t));
    if (tag !== undefined) return [v, tag];
  }
  return undefined;
}

function anyIn(values: Iterable<string> | undefined, set: ReadonlySet<string>): boolean {
  if (!values) return false;
  for (const v of values) if (set.has(v)) return true;
  return false;
}

function leaf(code: TestCode, explain: (s: Subject, f: SourceFacts, holds: boolean) => string): CompiledCondition {
  const test = testOf(code);
  return {
    code,
    test,
    evaluate: (s, f) => {
      const holds = test(s, f);
      return { holds, explanation: explain(s, f, holds) };
    },
  };
}

/** True when the condition looks at groups or attributes anywhere (`@iam` alone does not). */
export function readsUserData(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'iam':
      return false;
    case 'not':
      return readsUserData(node.operand);
    case 'and':
    case 'or':
      return readsUserData(node.left) || readsUserData(node.right);
    default:
      return true;
  }
}

/** Compiles a parsed condition into closures over (subject, source). */
export function compileCondition(node: ConditionNode): CompiledCondition {
  switch (node.kind) {
    case 'hasAttribute': {
      const id = attributeFact(node.name, node.value);
      return leaf(
        { op: 'any', ids: Int32Array.of(id) },
        (s, _f, holds) => `${holds ? '' : 'not '}${qualified(s, node.name)}=${node.value}`,
      );
    }
    case 'isInGroups': {
      const groups = node.groups;
      const names = (s: Subject, gs: readonly string[]) => gs.map((g) => qualified(s, g)).join(', ');
      return leaf(
        { op: 'all', ids: factSet(groups.map(groupFact)) },
        (s, _f, holds) => (holds ? `member of ${names(s, groups)}` : `not member of ${names(s, groups.filter((g) => !s.groups.has(g)))}`),
      );
    }
    case 'iam':
      return leaf(
        { op: 'call', call: (s) => s.iamid === node.iamid, key: `iam ${node.iamid}` },
        (_s, _f, holds) => (holds ? `iam ${node.iamid}` : `not iam ${node.iamid}`),
      );
    case 'hasTagAsAttribute': {
      const { name, scope } = node;
      const where = scope === 'dataSource' ? 'source tag' : 'column tag';
      return leaf(
        { op: 'call', call: (s, f) => anyIn(s.attributes.get(name), scopeSet(f, scope)), key: `hasTagAsAttribute ${scope} ${name}` },
        (s, f) => {
          const m = firstMatch(s.attributes.get(name) ?? [], f, scope);
          return m ? `${qualified(s, name)}=${m[0]} covers ${where} ${m[1]}` : `no ${qualified(s, name)} value covers a ${where}`;
        },
      );
    }
    case 'hasTagAsGroup': {
      const where = node.scope === 'dataSource' ? 'source tag' : 'column tag';
      return leaf(
        { op: 'call', call: (s, f) => anyIn(s.groups, scopeSet(f, node.scope)), key: `hasTagAsGroup ${node.scope}` },
        (s, f) => {
          const m = firstMatch(s.groups, f, node.scope);
          return m ? `group ${qualified(s, m[0])} covers ${where} ${m[1]}` : `no ${s.iamid} group covers a ${where}`;
        },
      );
    }
    case 'not': {
      const inner = compileCondition(node.operand);
      const code: TestCode = { op: 'not', operand: inner.code };
      return {
        code,
        test: testOf(code),
        evaluate: (s, f) => {
          const r = inner.evaluate(s, f);
          // Leaf explanations state the observed fact ("not member of Contractors"), which is
          // already the reason the negation holds or fails.
          return { holds: !r.holds, explanation: r.explanation };
        },
      };
    }
    case 'and':
    case 'or': {
      const left = compileCondition(node.left);
      const right = compileCondition(node.right);
      const isAnd = node.kind === 'and';
      const code: TestCode = { op: node.kind, left: left.code, right: right.code };
      return {
        code,
        test: testOf(code),
        evaluate: (s, f) => {
          const l = left.evaluate(s, f);
          // Short-circuit like `test`; the explanation names the side that decided.
          if (isAnd ? !l.holds : l.holds) return l;
          const r = right.evaluate(s, f);
          if (isAnd ? !r.holds : r.holds) return r;
          return { holds: r.holds, explanation: `${l.explanation}; ${r.explanation}` };
        },
      };
    }
  }
}
