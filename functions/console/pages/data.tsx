import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { BASE, Csrf, Next, Notice, Page } from '../layout.tsx';
import { posted, signedIn, type ConsoleOptions, type Signed } from '../session.ts';
import { parseUser, UserField } from './user-field.tsx';

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

/** One source: name, place, domains and tags, with its columns folded. */
function Row({ entry, signed, self }: { entry: Entry; signed: Signed; self: boolean }) {
  return (
    <tr>
      <td>
        <details>
          <summary>{entry.name}</summary>
          <table>
            <caption>Columns of {entry.name}</caption>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Type</th>
                <th scope="col">Tags</th>
              </tr>
            </thead>
            <tbody>
              {entry.columns.map((col) => (
                <tr>
                  <td>{col.name}</td>
                  <td>{col.type}</td>
                  <td>{col.tags.map((t) => <span class="tag">{t}</span>)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </td>
      <td>
        <code>{`${entry.platform}: ${entry.database}.${entry.schema}.${entry.table}`}</code>
      </td>
      <td>{entry.domains.join(', ')}</td>
      <td>{entry.tags.map((t) => <span class="tag">{t}</span>)}</td>
      <td>
        <AccessCell entry={entry} signed={signed} self={self} />
      </td>
    </tr>
  );
}

/** `GET /console/data`: the sources the user may query or discover; `POST …/{id}/request`. */
export function dataPages(app: Hono, options: ConsoleOptions): void {
  app.get(`${BASE}/data`, async (c) => {
    const signed = await signedIn(c, options);
    const q = Object.fromEntries(FILTERS.map((f) => [f, c.req.query(f) || undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
    const asked = c.req.query('user');
    const user = asked ? parseUser(asked) : signed.user;
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
        <form method="get" action={`${BASE}/data`} class="filters" role="search">
          {!signed.user && <UserField value={asked} />}
          <label>
            Name or id
            <input name="search" value={q.search ?? ''} />
          </label>
          <label>
            Tag
            <input name="tag" value={q.tag ?? ''} />
          </label>
          <label>
            Domain
            <input name="domain" value={q.domain ?? ''} />
          </label>
          <label>
            Access
            <select name="access">
              <option value="">any</option>
              <option value="granted" selected={q.access === 'granted'}>may query</option>
              <option value="discoverable" selected={q.access === 'discoverable'}>discoverable only</option>
            </select>
          </label>
          <button type="submit">Search</button>
        </form>
        {page ? (
          <>
            <p>
              {page.total} source{page.total === 1 ? '' : 's'}
            </p>
            <table>
              <caption class="visually-hidden">Data sources</caption>
              <thead>
                <tr>
                  <th scope="col">Source</th>
                  <th scope="col">Table</th>
                  <th scope="col">Domains</th>
                  <th scope="col">Tags</th>
                  <th scope="col">Access</th>
                </tr>
              </thead>
              <tbody>
                {page.dataSources.map((entry) => (
                  <Row entry={entry} signed={signed} self={self} />
                ))}
              </tbody>
            </table>
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
