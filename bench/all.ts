import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Every benchmark, run one after another so they do not compete for the two cores. */
const BENCHMARKS = ['decisions', 'data-decisions', 'decisions-http', 'scim', 'users', 'tokens', 'simulate', 'simulate-http', 'bundle-sizes', 'trino', 'query-engine', 'plan', 'catalog-listing', 'scale'] as const;

function run(name: string): Promise<unknown> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(code === 0 ? JSON.parse(last) : { error: `exit code ${code}` });
      } catch {
        resolve({ error: 'no JSON on stdout' });
      }
    });
  });
}

const results: Record<string, unknown> = {};
for (const name of BENCHMARKS) {
  if (existsSync(`bench/${name}.ts`)) results[name] = await run(name);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
