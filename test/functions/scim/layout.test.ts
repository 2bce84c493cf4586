/*
 * The layers `functions/scim/app.ts` describes, checked on the imports: `rfc/` stays pure, so its
 * code runs and is tested without a store, a request or a service; `services/` never reach up
 * into `routes/`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../functions/scim/', import.meta.url));
const STATIC = /^(?:import|export)[^;]*?from '([^']+)'/gm;
const DYNAMIC = /import\(\s*'([^']+)'/g;

/** Every module specifier a file imports, statically or dynamically. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)].map((m) => m[1]!);
}

/** `file: specifier` for each import of the layer's files that `allowed` refuses. */
function offending(layer: string, allowed: (specifier: string) => boolean): string[] {
  const files = readdirSync(`${ROOT}${layer}`).filter((f) => f.endsWith('.ts'));
  expect(files.length, `no sources in ${layer}`).toBeGreaterThan(0);
  return files.flatMap((f) => importsOf(`${ROOT}${layer}/${f}`).filter((s) => !allowed(s)).map((s) => `${layer}/${f}: ${s}`));
}

describe('the layers of functions/scim', () => {
  it('keeps rfc/ pure: its own files, the shared model, entity tags and zod, nothing of the store, HTTP or services', () => {
    const pure = (s: string) => /^\.\/[\w-]+\.ts$/.test(s) || s.startsWith('#shared/model/') || s === '#shared/http/etag.ts' || s === 'zod';
    expect(offending('rfc', pure)).toEqual([]);
  });

  it('builds services/ on rfc/ and the shared store, never on routes/ or Hono', () => {
    const below = (s: string) => !s.startsWith('../routes/') && !s.startsWith('hono') && !s.startsWith('#shared/http/');
    expect(offending('services', below)).toEqual([]);
  });
});
