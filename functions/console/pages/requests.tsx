import type { Hono } from 'hono';
import type { ReplyOf, RouteOf } from '#shared/client/index.ts';
import { BASE, ChangeForm, Notice, Page } from '../layout.tsx';
import { posted, signedGet, type ConsoleOptions, type Signed } from '../session.ts';
import { Table, type Column } from '../widgets.tsx';

type AccessRequest = ReplyOf<RouteOf<'listAccessRequests'>>['body']['requests'][number];

/** A request: who asks for what and why, since when, and the form deciding it. */
const columns = (signed: Signed): readonly Column<AccessRequest>[] => [
  { head: 'Requester', cell: (r) => `${r.iamid}/${r.userid}` },
  { head: 'Source', cell: (r) => r.dataSource },
  { head: 'Reason', cell: (r) => r.reason ?? '' },
  { head: 'Asked', cell: (r) => <time datetime={r.createdAt}>{r.createdAt.slice(0, 16).replace('T', ' ')}</time> },
  {
    head: 'Decision',
    cell: (r) => (
      <ChangeForm signed={signed} action={`${BASE}/requests/${encodeURIComponent(r.id)}`} inline>
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
      </ChangeForm>
    ),
  },
];

/** `GET /console/requests`: the pending requests the caller may decide; `POST …/{id}` approves or denies. */
export function requestPages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/requests`, async (c, signed) => {
    const { requests } = (await signed.api.request('listAccessRequests', { query: { toDecide: 'true' } })).body;
    return c.html(
      <Page signed={signed} title="Requests" current={`${BASE}/requests`}>
        <Notice text={c.req.query('done')} />
        {requests.length === 0 ? (
          <p>No request awaits your decision.</p>
        ) : (
          <Table caption="Pending access requests" columns={columns(signed)} rows={requests} />
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
