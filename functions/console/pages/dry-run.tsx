import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { Table, type Column } from '../widgets.tsx';

type Simulation = ReplyOf<RouteOf<'simulate'>>['body'];
type Change = Simulation['changes'][number];

/** Whether a change gives access, takes it, or changes what is seen. */
export function kindOf(ch: Change): 'gains' | 'loses' | 'changes' {
  if (ch.before.access === 'denied' && ch.after.access === 'granted') return 'gains';
  if (ch.before.access === 'granted' && ch.after.access === 'denied') return 'loses';
  return 'changes';
}

/** Per source, how many users gain and lose access. */
function perSource(changes: readonly Change[]): Array<{ source: string; gains: number; loses: number }> {
  const by = new Map<string, { source: string; gains: number; loses: number }>();
  for (const ch of changes) {
    const row = by.get(ch.dataSource) ?? { source: ch.dataSource, gains: 0, loses: 0 };
    const k = kindOf(ch);
    if (k !== 'changes') row[k]++;
    by.set(ch.dataSource, row);
  }
  return [...by.values()].filter((r) => r.gains || r.loses).sort((a, b) => a.source.localeCompare(b.source));
}

/** A bar chart drawn on the server: per source, users who gain (green) and lose (red) access. */
export function GainLossChart({ changes }: { changes: readonly Change[] }) {
  const rows = perSource(changes);
  if (!rows.length) return null;
  const max = Math.max(...rows.flatMap((r) => [r.gains, r.loses]), 1);
  const rowH = 44;
  const width = 560;
  const label = 160;
  const scale = (n: number) => Math.round(((width - label - 70) * n) / max);
  const summary = rows.map((r) => `${r.source}: ${r.gains} gain, ${r.loses} lose`).join('; ');
  return (
    <svg role="img" aria-label={`Who gains and loses access per source. ${summary}`} width={width} height={rows.length * rowH + 10} viewBox={`0 0 ${width} ${rows.length * rowH + 10}`}>
      {rows.map((r, i) => (
        <g transform={`translate(0 ${i * rowH + 5})`}>
          <text x="0" y="24">
            {r.source}
          </text>
          <rect x={label} y="4" height="16" width={Math.max(scale(r.gains), 1)} fill="#116329" />
          <text x={label + scale(r.gains) + 6} y="17">{`${r.gains} gain`}</text>
          <rect x={label} y="22" height="16" width={Math.max(scale(r.loses), 1)} fill="#a40e26" />
          <text x={label + scale(r.loses) + 6} y="35">{`${r.loses} lose`}</text>
        </g>
      ))}
    </svg>
  );
}

const outcome = (o: Change['before']) => `${o.access}${o.maskedColumns?.length ? `, masked: ${o.maskedColumns.join(', ')}` : ''}${o.rowFilter ? `, rows: ${o.rowFilter}` : ''}`;

/** A change: whose access to what, its effect, and what the user saw before and sees after. */
const COLUMNS: readonly Column<Change>[] = [
  { head: 'User', cell: (ch) => `${ch.user.iamid}/${ch.user.userid}` },
  { head: 'Source', cell: (ch) => ch.dataSource },
  { head: 'Effect', class: (ch) => (kindOf(ch) === 'gains' ? 'granted' : kindOf(ch) === 'loses' ? 'denied' : ''), cell: kindOf },
  { head: 'Before', cell: (ch) => outcome(ch.before) },
  { head: 'After', cell: (ch) => outcome(ch.after) },
];

/** The dry run: counts, the chart, and every change as a table. */
export function DryRun({ sim }: { sim: Simulation }) {
  const s = sim.summary;
  return (
    <section aria-labelledby="dry-run">
      <h2 id="dry-run">Dry run</h2>
      <p>{`${s.gained} gain access, ${s.lost} lose access, ${s.masksChanged} see other masks, ${s.rowFiltersChanged} other row filters (${s.usersEvaluated} users × ${s.dataSourcesEvaluated} sources evaluated).`}</p>
      <GainLossChart changes={sim.changes} />
      {sim.changes.length > 0 && (
        <Table caption="Changes" columns={COLUMNS} rows={sim.changes} />
      )}
    </section>
  );
}
