import { changeAudit } from '#shared/http/audit.ts';
import { badRequest, notFound } from '#shared/http/errors.ts';
import { checkIfMatch, checkNoneMatch, etag } from '#shared/http/etag.ts';
import { RouteGroup } from '#shared/http/route-group.ts';
import { deletePolicy, getPolicy, listPolicies, putPolicy } from '#shared/http/routes/policy.ts';
import { readJsonOrYaml } from '#shared/http/yaml-body.ts';
import type { PolicyDocument, StoredPolicy } from '#shared/model/policy.ts';
import { runSimulation, type SimulationDeps } from '#shared/decision-service/index.ts';
import { checkDataPolicyAgainstSources } from '#shared/policy/data/index.ts';
import { compileTargeting, parsePolicyDocument, targetKeys } from '#shared/policy/index.ts';
import type { Services } from '#shared/services.ts';
import { checkStorable } from './storable.ts';
import { withoutBookkeeping } from '#shared/model/bookkeeping.ts';

/** Read-only fields of the stored representation: accepted on PUT (so GET → PUT works), ignored. */

/** The wire form of a stored policy: the document plus its bookkeeping. */
export function policyView(p: StoredPolicy) {
  return { ...p.document, version: p.version, createdAt: p.createdAt, updatedAt: p.updatedAt };
}

/** Validates a document as written, taking the key from the path when the body has none. */
export function documentFor(raw: unknown, key: string): PolicyDocument {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw badRequest('invalid policy: the document must be an object');
  const body = withoutBookkeeping(raw);
  if (body.policyKey !== undefined && body.policyKey !== key) {
    throw badRequest(`invalid policy: \`policyKey\`: \`${String(body.policyKey).slice(0, 100)}\` differs from the key in the path \`${key}\``);
  }
  return parsePolicyDocument({ ...body, policyKey: key });
}

/** Data policies are also checked against the sources they target (column types and names). */
export async function checkAgainstCatalog(services: Pick<Services, 'catalog'>, doc: PolicyDocument): Promise<void> {
  if (doc.type !== 'data') return;
  // Only the sources the policy's index keys name are read (every source for one that targets all).
  const [sources, domains] = await Promise.all([services.catalog.sourcesUnder(targetKeys(doc)), services.catalog.allDomains()]);
  const matches = compileTargeting(doc);
  const byId = new Map(domains.map((d) => [d.id, d]));
  const errors = checkDataPolicyAgainstSources(doc, sources.filter((s) => matches(s, byId)));
  if (errors.length) throw badRequest(errors.slice(0, 5).join('; '));
}

/** `PUT|GET|DELETE /v1/policies/{policyKey}`, `GET /v1/policies`. */
export function policyRoutes(services: SimulationDeps & Pick<Services, 'catalog' | 'policies'>): RouteGroup {
  const app = new RouteGroup('/v1/policies');

  app.serve(listPolicies, async (c) => c.json({ policies: (await services.policies.list()).map(policyView) }, 200));

  app.serve(getPolicy, async (c, { params: { policyKey: key } }) => {
    const stored = await services.policies.get(key);
    if (!stored) throw notFound(`policy \`${key}\` not found`);
    c.header('ETag', etag(stored.version));
    return c.json(policyView(stored), 200);
  });

  app.serve(putPolicy, async (c, { params: { policyKey: key }, query: { dryRun } }) => {
    const doc = documentFor(await readJsonOrYaml(c), key);
    checkStorable('policy document', doc);
    await checkAgainstCatalog(services, doc);
    if (dryRun === 'true') return c.json(await runSimulation(services, { upsert: [doc], remove: [] }), 200);
    // With If-Match the write happens only at that version: a policy-as-code pipeline never
    // overwrites a change it has not seen (412), even one made between this check and the write.
    const conditional = c.req.header('if-match') !== undefined || c.req.header('if-none-match') !== undefined;
    const current = conditional ? await services.policies.get(key) : undefined;
    // `If-None-Match: *` creates only: a plan that saw no policy never replaces one made since.
    const expected = conditional ? (checkNoneMatch(c, current !== undefined) ? null : checkIfMatch(c, current?.version)) : undefined;
    const { stored, created } = await services.policies.put(
      doc,
      (next, isNew) =>
        changeAudit(c, { action: isNew ? 'CREATE' : 'UPDATE', targetType: 'policy', targets: [key], payload: {
          version: next.version,
          type: doc.type,
          staged: doc.staged,
          // Large documents are kept in the policy history; the audit record names the version.
          ...(JSON.stringify(doc).length <= 50_000 ? { document: doc } : {}),
        } }),
      expected,
    );
    c.header('ETag', etag(stored.version));
    return created ? c.json(policyView(stored), 201) : c.json(policyView(stored), 200);
  });

  app.serve(deletePolicy, async (c, { params: { policyKey: key } }) => {
    const expected = c.req.header('if-match') === undefined ? undefined : checkIfMatch(c, (await services.policies.get(key))?.version);
    await services.policies.delete(key, changeAudit(c, { action: 'DELETE', targetType: 'policy', targets: [key], payload: {} }), expected);
    return c.body(null, 204);
  });

  return app;
}
