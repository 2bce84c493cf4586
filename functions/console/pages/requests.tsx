import type { Hono } from 'hono';
import { BASE, Csrf, Notice, Page } from '../layout.tsx';
import { posted, signedIn, type ConsoleOptions } from '../session.ts';

/** `GET /console/requests`: the pending requests the caller may decide; `POST …/{id}` approves or denies. */
export function requestPages(app: Hono, options: ConsoleOptions): void {
  app.get(`${BASE}/requests`, async (c) => {
    const signed = await signedIn(c, options);
    const { requests } = (await signed.api.request('listAccessRequests', { query: { toDecide: 'true' } })).body;
    return c.html(
      <Page signed={signed} title="Requests" current={`${BASE}/requests`}>
        <Notice text={c.req.query('done')} />
        {requests.length === 0 ? (
          <p>No request awaits your decision.</p>
        ) : (
          <table>
            <caption class="visually-hidden">Pending access requests</caption>
            <thead>
              <tr>
                <th scope="col">Requester</th>
                <th scope="col">Source</th>
                <th scope="col">Reason</th>
                <th scope="col">Asked</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {requests.map((r) => (
                <tr>
                  <td>{`${r.iamid}/${r.userid}`}</td>
                  <td>{r.dataSource}</td>
                  <td>{r.reason ?? ''}</td>
                  <td>
                    <time datetime={r.createdAt}>{r.createdAt.slice(0, 16).replace('T', ' ')}</time>
                  </td>
                  <td>
                    <form method="post" action={`${BASE}/requests/${encodeURIComponent(r.id)}`} class="inline">
                      <Csrf signed={signed} />
                      <label>
                        Comment for {`${r.userid} on ${r.dataSource}`}
                        <input name="comment" maxlength={1000} />
                      </label>
                      <button type="submit" name="verdict" value="approve">
                        Approve
                      </button>
                      <button type="submit" name="verdict" value="deny" class="secondary">
                        Deny
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

  app.post(`${BASE}/requests/:id`, async (c) => {
    const { api, form } = await posted(c, options);
    const id = c.req.param('id');
    const comment = form.comment?.trim();
    const body = comment ? { reason: comment } : {};
    const decided = form.verdict === 'deny' ? await api.request('denyAccessRequest', { params: { id }, body }) : await api.request('approveAccessRequest', { params: { id }, body });
    const r = decided.body;
    return c.redirect(`${BASE}/requests?done=${encodeURIComponent(`${r.state}: ${r.userid} on ${r.dataSource}`)}`, 303);
  });
}
