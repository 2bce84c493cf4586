import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

it('the service entry point refuses to start without a backend URL, naming the variable', async () => {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', AWS_REGION: 'eu-west-1' };
  const result = await new Promise<{ code: number | null; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', 'query-engine/main.ts'], { cwd: ROOT, env, timeout: 30_000 }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr })),
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('`WARDEN_QUERY_BACKEND_URL`: required by the query engine service');
});
