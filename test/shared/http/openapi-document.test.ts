import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFunctionApps } from '#local/compose.ts';
import { DECLARED_ROUTES } from '#shared/http/openapi.ts';
import { localServices } from '../../support/services.ts';

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, unknown>; oneOf?: Schema[]; anyOf?: Schema[]; allOf?: Schema[] };
type Operation = {
  operationId?: string;
  summary?: string;
  'x-warden-permission'?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

let doc: Document;
beforeAll(async () => {
  const { services } = await localServices();
  const res = await createFunctionApps(services).impersonation.fetch(new Request('http://x/openapi.json'));
  doc = (await res.json()) as Document;
});

const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ method, path, op })));

/** An object schema with properties, or a union whose every member is one, after `$ref`s. */
function hasProperties(schema: Schema): boolean {
  const resolved = schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]! : schema;
  const members = resolved.oneOf ?? resolved.anyOf ?? resolved.allOf;
  if (members) return members.length > 0 && members.every(hasProperties);
  return Object.keys(resolved.properties ?? {}).length > 0;
}

describe('the generated OpenAPI document', () => {
  it('passes `redocly lint` without an error', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warden-openapi-')), 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
    const run = spawnSync(process.execPath, [cli, 'lint', file, '--format=json'], {
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    const report = JSON.parse(run.stdout) as { totals: { errors: number }; problems: Array<{ severity: string; message: string; location: Array<{ pointer: string }> }> };
    expect(report.problems.filter((p) => p.severity === 'error').map((p) => `${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals.errors).toBe(0);
    expect(run.status).toBe(0);
  });

  it('is OpenAPI 3.1 with an operationId and a summary on every operation, each id once', () => {
    expect(doc.openapi).toBe('3.1.0');
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(50);
    expect(ops.filter(({ op }) => !op.operationId || !op.summary).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    expect(new Set(ops.map(({ op }) => op.operationId)).size).toBe(ops.length);
  });

  it('gives every declared 2xx JSON answer and request body a schema with properties', () => {
    expect(operations().length).toBe(DECLARED_ROUTES.length);
    const untyped: string[] = [];
    for (const { method, path, op } of operations()) {
      for (const [status, reply] of Object.entries(op.responses)) {
        if (!status.startsWith('2') || status === '204') continue;
        // A JSON answer has an object schema; a page or a script (`/docs`) has its media type.
        const json = reply.content?.['application/json'];
        if (json ? !hasProperties(json.schema) : Object.keys(reply.content ?? {}).length === 0) untyped.push(`${method} ${path} ${status}`);
      }
      for (const [type, body] of Object.entries(op.requestBody?.content ?? {})) if (!hasProperties(body.schema)) untyped.push(`${method} ${path} body ${type}`);
    }
    expect(untyped).toEqual([]);
  });

  it('states the permission of every route that requires one, as its guard declares it', () => {
    for (const route of DECLARED_ROUTES) {
      const op = doc.paths[route.path]![route.method]!;
      const anyOf = route.guard.kind === 'permission' ? route.guard.anyOf.join(' or ') : undefined;
      const expected = anyOf && route.self ? `self or ${anyOf}` : anyOf;
      expect(op['x-warden-permission'], route.operationId).toBe(expected);
    }
  });
});
