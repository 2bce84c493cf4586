import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { color } from './ui.ts';

type Decision = ReplyOf<RouteOf<'decide'>>['body'];

/** Lines of a tree: `├─` for every child but the last, `└─` for it, children indented under their parent. */
function tree(children: ReadonlyArray<{ readonly line: string; readonly children?: readonly { line: string }[] }>, indent = ''): string[] {
  return children.flatMap((c, i) => {
    const last = i === children.length - 1;
    const head = `${indent}${last ? '└─' : '├─'} ${c.line}`;
    return [head, ...tree(c.children ?? [], `${indent}${last ? '   ' : '│  '}`)];
  });
}

const MERGE = { alwaysRequired: 'always required', shareResponsibility: 'shares responsibility' } as const;

/** A decision as a readable tree: each policy and why, each column and who decided it, the row filter, the query. */
export function decisionTree(d: Decision, dialect: string): string {
  const verdict = d.access === 'granted' ? color.green('GRANTED') : color.red('DENIED');
  const head = `${d.user.iamid}/${d.user.userid} on ${d.dataSource}: ${verdict}${d.reason ? ` (${d.reason})` : ''}`;
  const policies = d.subscription.map((v) => ({
    line: `${v.satisfied ? color.green('✓') : color.red('✗')} ${v.policyKey} [${MERGE[v.merge]}]: ${v.explanation}`,
  }));
  for (const key of d.disabledPolicies ?? []) policies.push({ line: color.dim(`○ ${key}: disabled on this data source`) });
  const nodes: Array<{ line: string; children?: { line: string }[] }> = [
    { line: 'subscription: every "always required" policy AND at least one "shares responsibility" policy', children: policies.length ? policies : [{ line: 'no subscription policy applies' }] },
  ];
  if (d.access === 'granted') {
    nodes.push({
      line: 'columns',
      children: d.columns.map((c) => {
        const by = c.policyKey ? ` by ${c.policyKey}` : '';
        const overridden = c.overridden?.length ? `, overriding ${c.overridden.join(', ')}` : '';
        const what = c.action === 'mask' ? color.yellow(`masked (${c.masking?.type ?? 'mask'})${by}${overridden}`) : `clear${c.explanation ? `: ${c.explanation}` : ''}`;
        return { line: `${c.name}: ${what}` };
      }),
    });
    const filter = d.rowFilter.expression ? `${d.rowFilter.expression} (from ${d.rowFilter.policyKeys.join(', ')})` : 'none';
    nodes.push({ line: `row filter: ${filter}` });
    if (d.query) nodes.push({ line: `enforcing query (${dialect}):`, children: [{ line: d.query }] });
  }
  return [head, ...tree(nodes)].join('\n');
}
