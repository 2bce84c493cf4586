import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionApps } from '#local/compose.ts';
import { openApiDocument } from '#shared/http/openapi.ts';
import { localServices } from '../../support/services.ts';

type Routed = { routes: Array<{ method: string; path: string }> };

let served: Set<string>;
let documented: Set<string>;

beforeAll(async () => {
  const { services } = await localServices();
  const apps = createFunctionApps(services);
  served = new Set();
  for (const [name, app] of Object.entries(apps)) {
    if (name === 'scim') continue;
    for (const r of (app as unknown as Routed).routes) {
      if (r.method === 'ALL' || r.path.includes('*')) continue;
      served.add(`${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  const doc = openApiDocument(services.config) as { paths: Record<string, Record<string, unknown>> };
  documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
});

const normalise = (s: string) => s.replace(/\{[^}]+\}/g, '{}');

describe('openapi document', () => {
  it('documents every route the functions serve', () => {
    expect(served.size).toBeGreaterThan(40);
    const docs = new Set([...documented].map(normalise));
    const missing = [...served].filter((r) => !docs.has(normalise(r)));
    expect(missing).toEqual([]);
  });

  it('documents no route that nothing serves', () => {
    const routes = new Set([...served].map(normalise));
    const extra = [...documented].filter((r) => !routes.has(normalise(r)));
    expect(extra).toEqual([]);
  });
});
