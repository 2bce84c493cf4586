import type { Context, Hono } from 'hono';
import { WardenApiError, type ReplyOf, type RequestOf, type RouteOf } from '#shared/client/index.ts';
import { BASE, ChangeForm, Notice, Page, Problem } from '../layout.tsx';
import { posted, signedGet, signedIn, type ConsoleOptions, type Signed } from '../session.ts';
import { FilterForm, SelectField, Table, TextField, type Column } from '../widgets.tsx';
import { DryRun } from './dry-run.tsx';
import { lineOfProblem, parsePolicyYaml, policyYaml } from './policy-yaml.ts';

type Policy = ReplyOf<RouteOf<'listPolicies'>>['body']['policies'][number];
type Simulation = ReplyOf<RouteOf<'simulate'>>['body'];
// The API validates the document and answers a 400 naming the field; the console only parses YAML.
type PolicyBody = RequestOf<RouteOf<'putPolicy'>>['body'];
type SimulatedDoc = NonNullable<RequestOf<RouteOf<'simulate'>>['body']['upsert']>[number];

const NEW_POLICY = `policyKey: my-policy\nname: My policy\ntype: subscription\ncircumstances:\n  - type: tags\n    tag: Internal\nactions:\n  type: anyone\n`;

/** The tags a policy's circumstances name. */
const tagsOf = (p: Policy): string[] => p.circumstances.flatMap((c) => ('tag' in c && typeof c.tag === 'string' ? [c.tag] : []));

/** A policy: a link to its editor, its type and tags, whether staged, its version. */
const COLUMNS: readonly Column<Policy>[] = [
  {
    head: 'Policy',
    cell: (p) => (
      <>
        <a href={`${BASE}/policies/${encodeURIComponent(p.policyKey)}`}>{p.name ?? p.policyKey}</a> <code>{p.policyKey}</code>
      </>
    ),
  },
  { head: 'Type', cell: (p) => p.type },
  { head: 'Tags', cell: (p) => tagsOf(p).map((t) => <span class="tag">{t}</span>) },
  { head: 'State', cell: (p) => (p.staged ? 'staged' : 'active') },
  { head: 'Version', cell: (p) => p.version },
];

/** The editor: the YAML, the problem at its line, the dry run, and the buttons. */
function Editor({ signed, text, problem, line, sim, isNew }: { signed: Signed; text: string; problem?: string; line?: number | undefined; sim?: Simulation; isNew: boolean }) {
  return (
    <Page signed={signed} title={isNew ? 'New policy' : 'Edit policy'} current={`${BASE}/policies`}>
      {problem && <Problem detail={line ? `line ${line}: ${problem}` : problem} />}
      <ChangeForm signed={signed} action={`${BASE}/policies/edit`}>
        <label>
          Policy (YAML)
          <textarea name="yaml" spellcheck={false} aria-describedby={problem ? 'yaml-help' : undefined}>
            {text}
          </textarea>
        </label>
        {problem && (
          <p id="yaml-help" class="line-error">
            {line ? `The problem is at line ${line}.` : 'The problem is not tied to a line.'}
          </p>
        )}
        <p class="inline">
          <button type="submit" name="action" value="dry-run">
            Dry run
          </button>{' '}
          <button type="submit" name="action" value="staged" class="secondary">
            Save staged
          </button>{' '}
          <button type="submit" name="action" value="active" class="secondary">
            Save active
          </button>
        </p>
      </ChangeForm>
      {sim && <DryRun sim={sim} />}
    </Page>
  );
}

/** Renders the editor with the API's refusal pointed at its line; anything else fails the page. */
function refused(c: Context, signed: Signed, text: string, err: unknown) {
  if (!(err instanceof WardenApiError) || err.status !== 400) throw err;
  return c.html(<Editor signed={signed} text={text} problem={err.problem.detail} line={lineOfProblem(text, err.problem.detail)} isNew={false} />, 400);
}

/** `GET /console/policies` (filters: type, tag, staged), the editor, and its dry run and saves. */
export function policyPages(app: Hono, options: ConsoleOptions): void {
  signedGet(app, options, `${BASE}/policies`, async (c, signed) => {
    const [type, tag, staged] = [c.req.query('type') || '', c.req.query('tag')?.trim() || '', c.req.query('staged') || ''];
    const all = (await signed.api.request('listPolicies')).body.policies;
    const shown = all.filter((p) => (!type || p.type === type) && (!tag || tagsOf(p).some((t) => t === tag || t.startsWith(`${tag}.`))) && (!staged || String(p.staged) === staged));
    return c.html(
      <Page signed={signed} title="Policies" current={`${BASE}/policies`}>
        <Notice text={c.req.query('done')} />
        <FilterForm action={`${BASE}/policies`} submit="Filter">
          <SelectField label="Type" name="type" value={type} any="any" choices={[['subscription', 'subscription'], ['data', 'data']]} />
          <TextField label="Tag" name="tag" value={tag} />
          <SelectField label="Staged" name="staged" value={staged} any="either" choices={[['true', 'staged'], ['false', 'active']]} />
        </FilterForm>
        <p>
          <a href={`${BASE}/policies/new`}>New policy</a>
        </p>
        <Table caption="Policies" columns={COLUMNS} rows={shown} />
      </Page>,
    );
  });

  signedGet(app, options, `${BASE}/policies/new`, (c, signed) => c.html(<Editor signed={signed} text={NEW_POLICY} isNew />));

  signedGet(app, options, `${BASE}/policies/:key`, async (c, signed) => {
    const policy = (await signed.api.request('getPolicy', { params: { policyKey: c.req.param('key') } })).body;
    return c.html(<Editor signed={signed} text={policyYaml(policy)} isNew={false} />);
  });

  app.post(`${BASE}/policies/edit`, async (c) => {
    const { api, form } = await posted(c, options);
    const signed = await signedIn(c, options);
    const text = form.yaml ?? '';
    const parsed = parsePolicyYaml(text);
    if (!parsed.ok) return c.html(<Editor signed={signed} text={text} problem={parsed.problem} line={parsed.line} isNew={false} />, 400);
    const doc = parsed.doc;
    try {
      if (form.action === 'dry-run') {
        const sim = (await api.request('simulate', { body: { upsert: [doc as SimulatedDoc] } })).body;
        return c.html(<Editor signed={signed} text={text} sim={sim} isNew={false} />);
      }
      const staged = form.action === 'staged';
      const key = typeof doc.policyKey === 'string' ? doc.policyKey : '';
      await api.request('putPolicy', { params: { policyKey: key }, body: { ...doc, staged } as PolicyBody });
      return c.redirect(`${BASE}/policies?done=${encodeURIComponent(`${key} saved ${staged ? 'staged' : 'active'}`)}`, 303);
    } catch (err) {
      return refused(c, signed, text, err);
    }
  });
}
