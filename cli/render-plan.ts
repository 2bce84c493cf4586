import { describeChange } from './diff.ts';
import { effectsBySource, omittedLine, summaryLine, type SourceEffect } from './effect.ts';
import { label } from './objects.ts';
import type { Plan, PlannedChange } from './plan-model.ts';
import { color } from './ui.ts';

const SIGN = { create: '+', update: '~', delete: '-' } as const;
const paint = { create: color.green, update: color.yellow, delete: color.red } as const;

const where = (c: PlannedChange) => (c.file ? ` (${c.file}:${c.line})` : '');

const EFFECT_LINES: ReadonlyArray<[keyof Omit<SourceEffect, 'dataSource'>, string]> = [
  ['gains', 'gains access'],
  ['loses', 'loses access'],
  ['columns', 'columns'],
  ['rowFilters', 'row filter'],
  ['discovers', 'may now discover it'],
  ['undiscovers', 'no longer discovers it'],
];

/** Lists of users on one line each; columns and row filters one line per user. */
const LISTED = new Set(['gains', 'loses', 'discovers', 'undiscovers']);
const TINT: Partial<Record<string, (s: string) => string>> = { gains: color.green, loses: color.red };

/** The plan for a terminal: objects with their field diff, the effect per source, the summary. */
export function planText(plan: Plan): string {
  const lines: string[] = [];
  for (const c of plan.changes) {
    lines.push(paint[c.action](`${SIGN[c.action]} ${label(c)}${where(c)}`));
    for (const f of c.fields) lines.push(`    ${describeChange(f)}`);
  }
  if (plan.unmanaged) lines.push(color.dim(`(${plan.unmanaged} live object${plan.unmanaged === 1 ? '' : 's'} described by no file: kept; --prune removes them)`));
  if (plan.effect) {
    const { usersEvaluated, dataSourcesEvaluated } = plan.effect.summary;
    lines.push('', color.bold(`Effect, simulated over ${usersEvaluated} users and ${dataSourcesEvaluated} data sources:`));
    const effects = effectsBySource(plan.effect);
    if (!effects.length) lines.push('  nobody gains or loses anything');
    for (const e of effects) {
      lines.push(`  ${color.bold(e.dataSource)}`);
      for (const [field, title] of EFFECT_LINES) {
        if (!e[field].length) continue;
        if (LISTED.has(field)) lines.push(`    ${(TINT[field] ?? color.dim)(title)}: ${e[field].join(', ')}`);
        else for (const line of e[field]) lines.push(`    ${title}: ${line}`);
      }
    }
    const omitted = omittedLine(plan.effect);
    if (omitted) lines.push(color.yellow(`  ${omitted}`));
  }
  if (lines.length) lines.push('');
  lines.push(color.bold(summaryLine(plan)));
  return lines.join('\n');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
const cell = (items: readonly string[]) => (items.length ? items.map((i) => code(i)).join('<br>') : '');

/** The plan as a pull-request comment (GitHub-flavoured Markdown); nothing in it depends on where or when it ran. */
export function planMarkdown(plan: Plan): string {
  const lines = ['### Warden plan', '', `**${summaryLine(plan)}**`, ''];
  if (plan.changes.length) {
    lines.push('| | Object | File |', '|---|---|---|');
    for (const c of plan.changes) lines.push(`| ${SIGN[c.action]} | ${c.kind === 'policy' ? 'policy' : 'data source'} ${code(c.key)} | ${c.file ? code(`${c.file}:${c.line}`) : ''} |`);
    const updated = plan.changes.filter((c) => c.fields.length);
    if (updated.length) {
      lines.push('', '<details><summary>Field changes</summary>', '', '```diff');
      for (const c of updated) {
        lines.push(`~ ${c.kind === 'policy' ? 'policy' : 'data source'} ${c.key}`);
        for (const f of c.fields) lines.push(`  ${describeChange(f)}`);
      }
      lines.push('```', '', '</details>');
    }
  }
  if (plan.effect) {
    const effects = effectsBySource(plan.effect);
    lines.push('', '#### Effect per data source', '');
    if (!effects.length) lines.push('Nobody gains or loses anything.');
    else {
      lines.push('| Data source | Gains access | Loses access | Columns | Row filter |', '|---|---|---|---|---|');
      for (const e of effects) lines.push(`| ${code(e.dataSource)} | ${cell(e.gains)} | ${cell(e.loses)} | ${cell(e.columns)} | ${cell(e.rowFilters)} |`);
    }
    const omitted = omittedLine(plan.effect);
    if (omitted) lines.push('', `_${omitted}._`);
  }
  return `${lines.join('\n')}\n`;
}
