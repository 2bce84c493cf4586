import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { principalLabel } from '#shared/model/identity.ts';
import { BASE, ChangeForm, Next, Notice, Page } from '../layout.tsx';
import { posted, signedGet, type ConsoleOptions, type Signed } from '../session.ts';
import { FilterForm, SelectField, Table, type Column } from '../widgets.tsx';

type User = ReplyOf<RouteOf<'getUser'>>['body'];
type Session = ReplyOf<RouteOf<'listImpersonationSessions'>>['body']['sessions'][number];

/** Where each value of each attribute came from: SCIM, manual, external, or a group. */
function provenance(u: User): Array<{ key: string; value: string; from: string[] }> {
  const rows = new Map<string, { key: string; value: string; from: string[] }>();
  const add = (attrs: Record<string, string[]>, from: string) => {
    for (const [key, values] of Object.entries(attrs)) {
      for (const value of values) {
        const id = JSON.stringify([key, value]);
        const row = rows.get(id) ?? { key, value, from: [] };
        row.from.push(from);
        rows.set(id, row);
      }
    }
  };
  add(u.sources.scim, 'SCIM');
  add(u.sources.manual, 'manual');
  add(u.sources.external, 'external source');
  for (const [group, attrs] of Object.entries(u.sources.groups)) add(attrs, `group ${group}`);
  return [...rows.values()].sort((a, b) => a.key.localeCompare(b.key) || a.value.localeCompare(b.value));
}

/** A user of the listing: a link to its page, its name, whether active, its permissions. */
const USERS: readonly Column<ReplyOf<RouteOf<'listUsers'>>['body']['users'][number]>[] = [
  { head: 'User', cell: (u) => <a href={`${BASE}/people/${encodeURIComponent(u.iamid)}/${encodeURIComponent(u.userid)}`}>{`${u.iamid}/${u.userid}`}</a> },
  { head: 'Name', cell: (u) => u.displayName },
  { head: 'Active', cell: (u) => (u.active ? 'yes' : 'no') },
  { head: 'Permissions', cell: (u) => u.permissions.join(', ') },
];

/** An attribute's value and where it came from. */
const ATTRIBUTES: readonly Column<ReturnType<typeof provenance>[number]>[] = [
  { head: 'Attribute', cell: (r) => r.key },
  { head: 'Value', cell: (r) => r.value },
  { head: 'From', cell: (r) => r.from.join(', ') },
];

/** A live session of the user's page `here`: who impersonates whom, until when, and the form ending it. */
const sessionColumns = (signed: Signed, here: string): readonly Column<Session>[] => [
  { head: 'Impersonator', cell: (s) => principalLabel(s.impersonator) },
  { head: 'Acting as', cell: (s) => `${s.user.iamid}/${s.user.userid}` },
  { head: 'Until', cell: (s) => s.expiresAt },
  {
    head: 'End',
    cell: (s) => (
      <ChangeForm signed={signed} action={`${here}/sessions/${encodeURIComponent(s.sessionId)}`}>
        <input type="hidden" name="impersonator" value={principalLabel(s.impersonator)} />
        <button type="submit" aria-label={`End session ${s.sessionId} of ${principalLabel(s.impersonator)}`}>
          End
        </button>
      </ChangeForm>
    ),
  },
];

/** `GET /console/people` (an IAM's users, paged), a user's page, and ending an impersonation session. */
export function peoplePages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/people`, async (c, signed) => {
    const iam = c.req.query('iam') || undefined;
    const [iams, page] = await Promise.all([signed.api.request('listIams'), signed.api.request('listUsers', { query: { iamid: iam, cursor: c.req.query('cursor') || undefined, limit: 50 } })]);
    return c.html(
      <Page signed={signed} title="People" current={`${BASE}/people`}>
        <FilterForm action={`${BASE}/people`} submit="Show">
          <SelectField label="Identity provider" name="iam" value={iam ?? page.body.users[0]?.iamid} choices={iams.body.iams.map((i) => [i.id, `${i.name} (${i.id})`] as const)} />
        </FilterForm>
        <Table caption="Users" columns={USERS} rows={page.body.users} />
        <Next path={`${BASE}/people`} query={{ iam }} cursor={page.body.nextCursor} />
      </Page>,
    );
  });

  signedGet(app, options, `${BASE}/people/:iamid/:userid`, async (c, signed) => {
    const ref = { iamid: c.req.param('iamid'), userid: c.req.param('userid') };
    const [user, sources, asTarget, asImpersonator] = await Promise.all([
      signed.api.request('getUser', { params: ref }),
      signed.api.request('listUserDataSources', { params: ref }),
      signed.api.request('listImpersonationSessions', { query: { target: `${ref.iamid}/${ref.userid}` } }),
      signed.api.request('listImpersonationSessions', { query: { impersonator: `user:${ref.iamid}/${ref.userid}` } }),
    ]);
    const u = user.body;
    const sessions = [...asTarget.body.sessions, ...asImpersonator.body.sessions];
    const here = `${BASE}/people/${encodeURIComponent(ref.iamid)}/${encodeURIComponent(ref.userid)}`;
    return c.html(
      <Page signed={signed} title={`${u.displayName} (${u.iamid}/${u.userid})`} current={`${BASE}/people`}>
        <Notice text={c.req.query('done')} />
        <dl>
          <dt>Active</dt>
          <dd>{u.active ? 'yes' : 'no'}</dd>
          <dt>Permissions</dt>
          <dd>{u.permissions.join(', ') || 'none'}</dd>
          <dt>Groups</dt>
          <dd>{Object.entries(u.memberships).map(([g, from]) => <span class="tag">{`${g} (${from.join(', ')})`}</span>)}</dd>
        </dl>
        <h2>Attributes</h2>
        <Table caption="Attributes and where each value came from" columns={ATTRIBUTES} rows={provenance(u)} />
        <h2>May query</h2>
        <p>{sources.body.dataSources.map((s) => <span class="tag">{s.name}</span>)}</p>
        <h2>Impersonation sessions</h2>
        {sessions.length === 0 ? (
          <p>No live session.</p>
        ) : (
          <Table caption="Live impersonation sessions" columns={sessionColumns(signed, here)} rows={sessions} />
        )}
      </Page>,
    );
  });

  app.post(`${BASE}/people/:iamid/:userid/sessions/:sessionId`, async (c) => {
    const { api, form } = await posted(c, options);
    const sessionId = c.req.param('sessionId');
    await api.request('endImpersonationSession', { params: { sessionId }, query: { impersonator: form.impersonator ?? '' } });
    const here = `${BASE}/people/${encodeURIComponent(c.req.param('iamid'))}/${encodeURIComponent(c.req.param('userid'))}`;
    return c.redirect(`${here}?done=${encodeURIComponent(`session ${sessionId} ended`)}`, 303);
  });
}
