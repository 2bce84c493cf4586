import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionFor } from '#shared/http/path-prefixes.ts';
import { CONSOLE_BUNDLE_FILES, DOCS_BUNDLE_FILES, ENTRIES, PROJECT_ROOT, esbuildOptions } from '../../cdk/bundling.ts';

/** An API Gateway HTTP API (payload 2.0) event for `GET <path>`. */
function httpEvent(path: string): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: `ANY ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'api.example.com' },
    requestContext: {
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'vitest' },
      domainName: 'api.example.com',
      stage: '$default',
      requestId: 'bundle-test',
    },
    isBase64Encoded: false,
  };
}

// Inside the repository so the bundle finds the external @aws-sdk/* in node_modules, as on Lambda.
const OUT_DIR = join(PROJECT_ROOT, 'node_modules', '.cache', 'warden-bundle-test');

describe('function bundles', () => {
  const apiEntries = (['scim', 'userinfo', 'policy', 'impersonation'] as const).map((name) => [name, ENTRIES[name]]);

  it.each(apiEntries)('%s: the ESM bundle of the CDK settings loads and answers /health', async (name, entry) => {
    const bundle = await bundleAndImport(name, entry);
    const response = await bundle.handler(httpEvent('/health'), {});
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ status: 'ok' });
  });

  it.each(apiEntries)('%s: the bundle carries no zod locales (a cold start parses every byte)', async (_name, entry) => {
    const result = await build({ ...esbuildOptions(entry), write: false, sourcemap: false, metafile: true, logLevel: 'silent' });
    const emitted = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs).filter(([, i]) => i.bytesInOutput > 0);
    expect(emitted.map(([path]) => path).filter((p) => p.includes('zod/v4/locales/') && !p.endsWith('/en.js'))).toEqual([]);
    // The policy engine carries re2js (≈150 KB minified) so user regexes match in linear time;
    // every function carries zod-to-openapi (≈27 KB) and the declared routes of the whole API,
    // with their request and reply schemas, from which it generates `/openapi.json` (policy:
    // 793 KB with all of it, the snapshot deltas, the artifact reader and immutable's persistent
    // map (≈65 KB) that layers changes over a snapshot; parsing it costs a cold start a few milliseconds).
    expect(result.outputFiles[0]!.contents.byteLength).toBeLessThan(820_000);
  });

  it('the function serving /docs answers the reference and its files from beside its bundle', async () => {
    const fn = functionFor('/docs')!;
    // A mark on each copy tells a file read beside the bundle from one read in node_modules.
    const bundle = await bundleAndImport(`${fn}-docs`, ENTRIES[fn], (text) => `${text}\n/* beside the bundle */`);
    const page = await bundle.handler(httpEvent('/docs'), {});
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("url: '/openapi.json'");
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
      const res = await bundle.handler(httpEvent(`/docs/${file}`), {});
      expect(res.statusCode, file).toBe(200);
      expect(res.body.endsWith('/* beside the bundle */'), file).toBe(true);
    }
  });

  it('console: the bundle renders its sign-in page and serves its stylesheet from beside the bundle', async () => {
    const bundle = await bundleAndImport('console', ENTRIES.console, (text) => `${text}\n/* beside the bundle */`, CONSOLE_BUNDLE_FILES);
    const page = await bundle.handler(httpEvent('/console/sign-in'), {});
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<label>API key<input type="password"');
    const css = await bundle.handler(httpEvent('/console/static/console.css'), {});
    expect(css.statusCode).toBe(200);
    expect(css.body.endsWith('/* beside the bundle */')).toBe(true);
  });

  it('userinfoSync: the bundle loads and exports its handler', async () => {
    const bundle = await bundleAndImport('userinfoSync', ENTRIES.userinfoSync);
    expect(typeof bundle.handler).toBe('function');
  });

  it('catalogBackfill: the bundle loads and answers a delete of its resource complete', async () => {
    const bundle = await bundleAndImport('catalogBackfill', ENTRIES.catalogBackfill);
    const context = { getRemainingTimeInMillis: () => 900_000, functionName: 'backfill', awsRequestId: 'bundle-test' };
    expect(await bundle.handler({ RequestType: 'Delete', PhysicalResourceId: 'warden-catalog-index-backfill', ResourceProperties: {} }, context)).toEqual({ PhysicalResourceId: 'warden-catalog-index-backfill', IsComplete: true });
  });

  it('groupPurge: the bundle loads and exports its handler', async () => {
    const bundle = await bundleAndImport('groupPurge', ENTRIES.groupPurge);
    expect(typeof bundle.handler).toBe('function');
  });

  it('snapshotArtifact: the bundle loads and exports its handler', async () => {
    const bundle = await bundleAndImport('snapshotArtifact', ENTRIES.snapshotArtifact);
    expect(typeof bundle.handler).toBe('function');
  });
});

/**
 * Bundles an entry with the CDK settings, writes it where node_modules is reachable, imports it.
 * With `mark`, the files CDK ships beside the bundle are copied there too, each through `mark`.
 */
async function bundleAndImport(name: string, entry: string, mark?: (text: string) => string, files = DOCS_BUNDLE_FILES): Promise<{
  handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
}> {
  const result = await build({ ...esbuildOptions(entry), write: false, sourcemap: false, logLevel: 'silent' });
  const dir = join(OUT_DIR, name);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  writeFileSync(file, result.outputFiles[0]!.contents);
  if (mark) {
    for (const [to, from] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      writeFileSync(join(dir, to), mark(readFileSync(join(PROJECT_ROOT, from), 'utf8')));
    }
  }
  return import(pathToFileURL(file).href);
}
