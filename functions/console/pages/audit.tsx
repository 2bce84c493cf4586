import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { BASE, Next, Page } from '../layout.tsx';
import { signedGet, type ConsoleOptions } from '../session.ts';
import { FilterForm, Table, TextField, type Column } from '../widgets.tsx';

type AuditRecord = ReplyOf<RouteOf<'queryAudit'>>['body']['records'][number];

const FIELDS = ['userid', 'iamid', 'action', 'from', 'to'] as const;

/** A `datetime-local` value read as UTC, as the API takes instants; other text is passed for the API to judge. */
const instant = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

/** A record: when, what and how it ended, who acted (and for whom), on what, and the rest folded. */
const COLUMNS: readonly Column<AuditRecord>[] = [
  { head: 'Time (UTC)', cell: (r) => <time datetime={r.eventTimestamp}>{r.eventTimestamp.replace('T', ' ').slice(0, 19)}</time> },
  {
    head: 'Action',
    cell: (r) => (
      <>
        {r.action} <span class={r.actionStatus === 'SUCCESS' ? 'held' : 'failed'}>{r.actionStatus.toLowerCase()}</span>
      </>
    ),
  },
  { head: 'Acting as', cell: (r) => r.userId },
  { head: 'Impersonator', cell: (r) => r.impersonationUser ?? '' },
  { head: 'Target', cell: (r) => `${r.targetType}: ${r.targets.join(', ')}` },
  {
    head: 'Record',
    cell: (r) => (
      <details>
        <summary>{`details of ${r.id.slice(0, 8)}`}</summary>
        <pre tabindex={0}>{JSON.stringify({ actor: r.actor, payload: r.payload, requestId: r.requestId, sessionId: r.sessionId }, null, 2)}</pre>
      </details>
    ),
  },
];

/** `GET /console/audit`: the trail filtered by user, action and time, newest first, a page at a time. */
export function auditPages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/audit`, async (c, signed) => {
    const q = Object.fromEntries(FIELDS.map((f) => [f, c.req.query(f)?.trim() || undefined])) as Record<(typeof FIELDS)[number], string | undefined>;
    const page = (
      await signed.api.request('queryAudit', { query: { ...q, from: instant(q.from), to: instant(q.to), limit: 50, cursor: c.req.query('cursor') || undefined } })
    ).body;
    return c.html(
      <Page signed={signed} title="Audit" current={`${BASE}/audit`}>
        <FilterForm action={`${BASE}/audit`} submit="Filter">
          <TextField label="User id" name="userid" value={q.userid} />
          <TextField label="IAM" name="iamid" value={q.iamid} />
          <TextField label="Action" name="action" value={q.action} placeholder="DECISION" />
          <TextField label="From (UTC)" type="datetime-local" name="from" value={q.from} />
          <TextField label="To (UTC)" type="datetime-local" name="to" value={q.to} />
        </FilterForm>
        <Table caption="Audit records, newest first" columns={COLUMNS} rows={page.records} />
        <Next path={`${BASE}/audit`} query={q} cursor={page.nextCursor} />
      </Page>,
    );
  });
}
