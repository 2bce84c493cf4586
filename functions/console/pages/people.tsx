import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { BASE, Csrf, Next, Notice, Page } from '../layout.tsx';
import { posted, signedIn, type ConsoleOptions } from '../session.ts';

type User = ReplyOf<RouteOf<'getUser'>>['body'];
type Principal = ReplyOf<RouteOf<'listImpersonationSessions'>>['body']['sessions'][number]['impersonator'];

const label = (p: Principal) => (p.type === 'user' ? `user:${p.iamid}/${p.id}` : `service:${p.id}`);

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

/** `GET /console/people` (an IAM's users, paged), a user's page, and ending an impersonation session. */
export function peoplePages(app: Hono, options: ConsoleOptions): void {
  app.get(`${BASE}/people`, async (c) => {
    const signed = await signedIn(c, options);
    const iam = c.req.query('iam') || undefined;
    const [iams, page] = await Promise.all([signed.api.request('listIams'), signed.api.request('listUsers', { query: { iamid: iam, cursor: c.req.query('cursor') || undefined, limit: 50 } })]);
    return c.html(
      <Page signed={signed} title="People" current={`${BASE}/people`}>
        <form method="get" action={`${BASE}/people`} class="filters">
          <label>
            Identity provider
            <select name="iam">
              {iams.body.iams.map((i) => (
                <option value={i.id} selected={i.id === (iam ?? page.body.users[0]?.iamid)}>{`${i.name} (${i.id})`}</option>
              ))}
            </select>
          </label>
          <button type="submit">Show</button>
        </form>
        <table>
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Name</th>
              <th scope="col">Active</th>
              <th scope="col">Permissions</th>
            </tr>
          </thead>
          <tbody>
            {page.body.users.map((u) => (
              <tr>
                <td>
                  <a href={`${BASE}/people/${encodeURIComponent(u.iamid)}/${encodeURIComponent(u.userid)}`}>{`${u.iamid}/${u.userid}`}</a>
                </td>
                <td>{u.displayName}</td>
                <td>{u.active ? 'yes' : 'no'}</td>
                <td>{u.permissions.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Next path={`${BASE}/people`} query={{ iam }} cursor={page.body.nextCursor} />
      </Page>,
    );
  });

  app.get(`${BASE}/people/:iamid/:userid`, async (c) => {
    const signed = await signedIn(c, options);
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
        <table>
          <caption class="visually-hidden">Attributes and where each value came from</caption>
          <thead>
            <tr>
              <th scope="col">Attribute</th>
              <th scope="col">Value</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {provenance(u).map((r) => (
              <tr>
                <td>{r.key}</td>
                <td>{r.value}</td>
                <td>{r.from.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>May query</h2>
        <p>{sources.body.dataSources.map((s) => <span class="tag">{s.name}</span>)}</p>
        <h2>Impersonation sessions</h2>
        {sessions.length === 0 ? (
          <p>No live session.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Live impersonation sessions</caption>
            <thead>
              <tr>
                <th scope="col">Impersonator</th>
                <th scope="col">Acting as</th>
                <th scope="col">Until</th>
                <th scope="col">End</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr>
                  <td>{label(s.impersonator)}</td>
                  <td>{`${s.user.iamid}/${s.user.userid}`}</td>
                  <td>{s.expiresAt}</td>
                  <td>
                    <form method="post" action={`${here}/sessions/${encodeURIComponent(s.sessionId)}`}>
                      <Csrf signed={signed} />
                      <input type="hidden" name="impersonator" value={label(s.impersonator)} />
                      <button type="submit" aria-label={`End session ${s.sessionId} of ${label(s.impersonator)}`}>
                        End
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
