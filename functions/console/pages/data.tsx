import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { parseUserRef } from '#shared/model/identity.ts';
import { BASE, Csrf, Next, Notice, Page } from '../layout.tsx';
import { posted, signedGet, type ConsoleOptions, type Signed } from '../session.ts';
import { FilterForm, SelectField, Table, TextField, type Column } from '../widgets.tsx';
import { UserField } from './user-field.tsx';

type Entry = ReplyOf<RouteOf<'getUserCatalog'>>['body']['dataSources'][number];

const FILTERS = ['search', 'tag', 'domain', 'access'] as const;

/** What the user may do with a source it sees: query it, wait, or ask. */
function AccessCell({ entry, signed, self }: { entry: Entry; signed: Signed; self: boolean }) {
  if (entry.access === 'granted') return <span class="granted">You may query it{entry.request?.state === 'approved' ? ' (approved request)' : ''}</span>;
  const state = entry.request?.state;
  if (state === 'pending') return <span>Request pending</span>;
  if (!entry.requestable || !self) return <span>Discoverable{state === 'denied' ? ' (request denied)' : ''}</span>;
  return (
    <form method="post" action={`${BASE}/data/${encodeURIComponent(entry.id)}/request`} class="inline">
      <span>Discoverable</span>
      <Csrf signed={signed} />
      <label>
        Reason for {entry.name}
        <input name="reason" maxlength={1000} />
      </label>
      <button type="submit">Request access</button>
      {state === 'denied' && <span>Last request denied{entry.request?.decisionReason ? `: ${entry.request.decisionReason}` : ''}</span>}
    </form>
  );
}

/** A column of a source: its name, type and tags. */
const COLUMNS: readonly Column<Entry['columns'][number]>[] = [
  { head: 'Column', cell: (col) => col.name },
  { head: 'Type', cell: (col) => col.type },
  { head: 'Tags', cell: (col) => col.tags.map((t) => <span class="tag">{t}</span>) },
];

/** A source: name (its columns folded), place, domains and tags, and what the user may do with it. */
const sources = (signed: Signed, self: boolean): readonly Column<Entry>[] => [
  {
    head: 'Source',
    cell: (entry) => (
      <details>
        <summary>{entry.name}</summary>
        <Table caption={`Columns of ${entry.name}`} visible columns={COLUMNS} rows={entry.columns} />
      </details>
    ),
  },
  { head: 'Table', cell: (entry) => <code>{`${entry.platform}: ${entry.database}.${entry.schema}.${entry.table}`}</code> },
  { head: 'Domains', cell: (entry) => entry.domains.join(', ') },
  { head: 'Tags', cell: (entry) => entry.tags.map((t) => <span class="tag">{t}</span>) },
  { head: 'Access', cell: (entry) => <AccessCell entry={entry} signed={signed} self={self} /> },
];

/** `GET /console/data`: the sources the user may query or discover; `POST …/{id}/request`. */
export function dataPages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/data`, async (c, signed) => {
    const q = Object.fromEntries(FILTERS.map((f) => [f, c.req.query(f) || undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
    const asked = c.req.query('user');
    const user = asked ? parseUserRef(asked) : signed.user;
    const self = Boolean(user && signed.user && user.iamid === signed.user.iamid && user.userid === signed.user.userid);
    const page = user
      ? (await signed.api.request('getUserCatalog', {
          params: user,
          query: { ...q, access: q.access === 'granted' || q.access === 'discoverable' ? q.access : undefined, cursor: c.req.query('cursor') || undefined, limit: 50 },
        })).body
      : undefined;
    return c.html(
      <Page signed={signed} title="Data" current={`${BASE}/data`}>
        <Notice text={c.req.query('done')} />
        <FilterForm action={`${BASE}/data`} submit="Search" search>
          {!signed.user && <UserField value={asked} />}
          <TextField label="Name or id" name="search" value={q.search} />
          <TextField label="Tag" name="tag" value={q.tag} />
          <TextField label="Domain" name="domain" value={q.domain} />
          <SelectField label="Access" name="access" value={q.access} any="any" choices={[['granted', 'may query'], ['discoverable', 'discoverable only']]} />
        </FilterForm>
        {page ? (
          <>
            <p>
              {page.total} source{page.total === 1 ? '' : 's'}
            </p>
            <Table caption="Data sources" columns={sources(signed, self)} rows={page.dataSources} />
            <Next path={`${BASE}/data`} query={{ ...q, user: asked }} cursor={page.nextCursor} />
          </>
        ) : (
          <p>Name a user to see the sources it may query or discover.</p>
        )}
      </Page>,
    );
  });

  app.post(`${BASE}/data/:id/request`, async (c) => {
    const { api, form } = await posted(c, options);
    const id = c.req.param('id');
    const reason = form.reason?.trim();
    await api.request('requestAccess', { body: { dataSource: id, ...(reason ? { reason } : {}) } });
    return c.redirect(`${BASE}/data?search=${encodeURIComponent(id)}&done=${encodeURIComponent(`access to ${id} requested`)}`, 303);
  });
}
