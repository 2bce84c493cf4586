import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { DIALECTS } from '#shared/model/decision.ts';
import { parseUserRef } from '#shared/model/identity.ts';
import { BASE, Page } from '../layout.tsx';
import { signedGet, type ConsoleOptions } from '../session.ts';
import { FilterForm, Table, TextField, type Column } from '../widgets.tsx';
import { UserField } from './user-field.tsx';

type Decision = ReplyOf<RouteOf<'decide'>>['body'];
type Verdict = Decision['subscription'][number];

const MERGES = [
  { merge: 'alwaysRequired', title: 'Always required: every one must hold' },
  { merge: 'shareResponsibility', title: 'Share responsibility: one holding is enough' },
] as const;

/** One policy's verdict: held or failed, and why. */
const VerdictItem = ({ v }: { v: Verdict }) => (
  <li>
    <span class={v.satisfied ? 'held' : 'failed'}>{v.satisfied ? '✔ held' : '✘ failed'}</span> <strong>{v.policyKey}</strong>: {v.explanation}
  </li>
);

/** The decision as a tree: the answer, then each merge group and its policies. */
export function DecisionTree({ d }: { d: Decision }) {
  return (
    <ul class="tree" aria-label="Decision">
      <li>
        <span class={d.access}>{d.access === 'granted' ? 'Access granted' : 'Access denied'}</span>
        {d.reason ? `: ${d.reason}` : ''}
        {!d.discoverable && d.access === 'denied' ? ' (not discoverable)' : ''}
        <ul>
          {d.subscription.length === 0 && <li>No subscription policy applies to this source.</li>}
          {MERGES.map(({ merge, title }) => {
            const vs = d.subscription.filter((v) => v.merge === merge);
            return vs.length ? (
              <li>
                {title}
                <ul>
                  {vs.map((v) => (
                    <VerdictItem v={v} />
                  ))}
                </ul>
              </li>
            ) : null;
          })}
        </ul>
      </li>
    </ul>
  );
}

/** A column: what it shows the user, the policy that decided it (over which others), and why. */
const COLUMNS: readonly Column<Decision['columns'][number]>[] = [
  { head: 'Column', cell: (col) => col.name },
  { head: 'Action', class: (col) => (col.action === 'mask' ? 'failed' : ''), cell: (col) => (col.action === 'mask' ? `masked (${col.masking?.type ?? 'mask'})` : 'clear') },
  { head: 'Winning policy', cell: (col) => `${col.policyKey ?? ''}${col.overridden?.length ? ` (over ${col.overridden.join(', ')})` : ''}` },
  { head: 'Why', cell: (col) => col.explanation ?? '' },
];

/** What each column shows the user, and which policy decided it. */
function Columns({ d }: { d: Decision }) {
  if (!d.columns.length) return <p>No columns: access is denied.</p>;
  return <Table caption="Columns" columns={COLUMNS} rows={d.columns} />;
}

/** `GET /console/why?user=&source=`: the decision about a user and a source, explained, with its SQL per dialect. */
export function whyPages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/why`, async (c, signed) => {
    const named = c.req.query('user');
    const user = named ? parseUserRef(named) : signed.user;
    const source = c.req.query('source')?.trim();
    // A decision changes nothing but the audit trail, so this GET page may send the session's
    // token with it (the API asks it of every POST); forms that change something carry their own.
    const headers = { 'x-csrf-token': signed.session.csrfToken };
    const decisions =
      user && source ? await Promise.all(DIALECTS.map(async (dialect) => (await signed.api.request('decide', { body: { user, dataSource: source, dialect }, headers })).body)) : undefined;
    const d = decisions?.[0];
    return c.html(
      <Page signed={signed} title="Why" current={`${BASE}/why`}>
        <FilterForm action={`${BASE}/why`} submit="Explain">
          <UserField value={named ?? (signed.user ? `${signed.user.iamid}/${signed.user.userid}` : '')} />
          <TextField label="Data source id" name="source" value={source} required />
        </FilterForm>
        {d && decisions && (
          <>
            <h2>{`${d.user.iamid}/${d.user.userid} on ${d.dataSource}`}</h2>
            <DecisionTree d={d} />
            <h2>Columns</h2>
            <Columns d={d} />
            <h2>Row filter</h2>
            <p>{d.rowFilter.expression ? <code>{d.rowFilter.expression}</code> : 'No row filter.'}{d.rowFilter.policyKeys.length ? ` (from ${d.rowFilter.policyKeys.join(', ')})` : ''}</p>
            <h2>Enforcing SQL</h2>
            {decisions.map((x, i) => (
              <section aria-label={`SQL for ${DIALECTS[i]}`}>
                <h3>{DIALECTS[i]}</h3>
                <pre tabindex={0}>{x.query ?? 'no query: access is denied'}</pre>
              </section>
            ))}
          </>
        )}
      </Page>,
    );
  });
}
