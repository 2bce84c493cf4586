import type { Hono } from 'hono';
import { BASE, Next, Page } from '../layout.tsx';
import { signedIn, type ConsoleOptions } from '../session.ts';

const FIELDS = ['userid', 'iamid', 'action', 'from', 'to'] as const;

/** A `datetime-local` value read as UTC, as the API takes instants; other text is passed for the API to judge. */
const instant = (v: string | undefined) => (v && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v) ? `${v}:00Z` : v);

/** `GET /console/audit`: the trail filtered by user, action and time, newest first, a page at a time. */
export function auditPages(app: Hono, options: ConsoleOptions): void {
  app.get(`${BASE}/audit`, async (c) => {
    const signed = await signedIn(c, options);
    const q = Object.fromEntries(FIELDS.map((f) => [f, c.req.query(f)?.trim() || undefined])) as Record<(typeof FIELDS)[number], string | undefined>;
    const page = (
      await signed.api.request('queryAudit', { query: { ...q, from: instant(q.from), to: instant(q.to), limit: 50, cursor: c.req.query('cursor') || undefined } })
    ).body;
    return c.html(
      <Page signed={signed} title="Audit" current={`${BASE}/audit`}>
        <form method="get" action={`${BASE}/audit`} class="filters">
          <label>
            User id
            <input name="userid" value={q.userid ?? ''} />
          </label>
          <label>
            IAM
            <input name="iamid" value={q.iamid ?? ''} />
          </label>
          <label>
            Action
            <input name="action" value={q.action ?? ''} placeholder="DECISION" />
          </label>
          <label>
            From (UTC)
            <input type="datetime-local" name="from" value={q.from ?? ''} />
          </label>
          <label>
            To (UTC)
            <input type="datetime-local" name="to" value={q.to ?? ''} />
          </label>
          <button type="submit">Filter</button>
        </form>
        <table>
          <caption class="visually-hidden">Audit records, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Action</th>
              <th scope="col">Acting as</th>
              <th scope="col">Impersonator</th>
              <th scope="col">Target</th>
              <th scope="col">Record</th>
            </tr>
          </thead>
          <tbody>
            {page.records.map((r) => (
              <tr>
                <td>
                  <time datetime={r.eventTimestamp}>{r.eventTimestamp.replace('T', ' ').slice(0, 19)}</time>
                </td>
                <td>
                  {r.action} <span class={r.actionStatus === 'SUCCESS' ? 'held' : 'failed'}>{r.actionStatus.toLowerCase()}</span>
                </td>
                <td>{r.userId}</td>
                <td>{r.impersonationUser ?? ''}</td>
                <td>{`${r.targetType}: ${r.targets.join(', ')}`}</td>
                <td>
                  <details>
                    <summary>{`details of ${r.id.slice(0, 8)}`}</summary>
                    <pre tabindex={0}>{JSON.stringify({ actor: r.actor, payload: r.payload, requestId: r.requestId, sessionId: r.sessionId }, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Next path={`${BASE}/audit`} query={q} cursor={page.nextCursor} />
      </Page>,
    );
  });
}
