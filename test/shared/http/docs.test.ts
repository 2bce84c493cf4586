import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionApps, createLocalServer } from '#local/compose.ts';
import { VERSION } from '#shared/config.ts';
import { localServices } from '../../support/services.ts';

let server: ReturnType<typeof createLocalServer>;
beforeAll(async () => {
  const { services } = await localServices();
  server = createLocalServer(createFunctionApps(services), VERSION);
});

const packaged = (file: string) => readFileSync(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`), 'utf8');

describe('GET /docs', () => {
  it('answers an HTML page that renders /openapi.json with scripts and styles Warden serves itself', async () => {
    const res = await server.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain("url: '/openapi.json'");
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.sort()).toEqual(['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css']);
    // Nothing is fetched from elsewhere: the page names no other host, and the validator badge is off.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain('validatorUrl: null');
  });

  it('serves the reference files of the package, with their media types', async () => {
    const script = await server.request('/docs/swagger-ui-bundle.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe(packaged('swagger-ui-bundle.js'));
    const styles = await server.request('/docs/swagger-ui.css');
    expect(styles.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await styles.text()).toBe(packaged('swagger-ui.css'));
    expect((await server.request('/docs/index.html')).status).toBe(404);
  });

  it('is part of the document it renders', async () => {
    const doc = (await (await server.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { security?: unknown[] }>> };
    expect(doc.paths['/docs']?.get?.security).toEqual([]);
  });
});
