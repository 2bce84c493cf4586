/*
 * `warden login`, `whoami`, `explain`, `audit`, `simulate` and `completion` as a user runs
 * them: the real binary against a local Warden over DynamoDB Local.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY } from '../support/services.ts';
import { cliWorld, problems, type CliWorld } from './support.ts';

let w: CliWorld;
beforeAll(async () => {
  w = await cliWorld();
});
afterAll(async () => {
  await w.warden.stop();
});

const loggedOut = { WARDEN_URL: undefined, WARDEN_API_KEY: undefined };

describe('login and whoami', () => {
  it('refuses a key the API does not accept and stores nothing', async () => {
    const bad = await w.run(['login', '--url', w.warden.url, '--api-key-stdin'], { env: loggedOut, input: 'wdn_wrong\n' });
    expect(bad.code).toBe(1);
    expect(problems(bad.stderr)).toEqual(['error: invalid api key (getCurrentCaller: HTTP 401)']);
    await expect(stat(join(w.dir, '.config/warden/config.json'))).rejects.toThrow();
    const whoami = await w.run(['whoami'], { env: loggedOut });
    expect(problems(whoami.stderr)).toEqual(['error: not logged in: run `warden login`, or set `WARDEN_URL` and `WARDEN_API_KEY`']);
  });

  it('stores endpoint and key readable by the user alone, and whoami then names the principal and permissions', async () => {
    const login = await w.run(['login', '--url', w.warden.url, '--api-key-stdin'], { env: loggedOut, input: `${ADMIN_KEY}\n` });
    expect(login.code).toBe(0);
    const file = join(w.dir, '.config/warden/config.json');
    expect(login.stdout).toBe(`Logged in to ${w.warden.url} as service:admin; saved in ${file}\n`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ url: w.warden.url, apiKey: ADMIN_KEY });
    const whoami = await w.run(['whoami'], { env: loggedOut });
    expect(whoami.code).toBe(0);
    expect(whoami.stdout).toBe(`service:admin at ${w.warden.url}\npermissions: AUDIT, GOVERNANCE, IMPERSONATE_USER, QUERY_ENGINE, USER_ADMIN\ncredential: bootstrap\n`);
  });
});

describe('explain', () => {
  it('shows each policy with its merge mode and why, each column and who masked it, and the enforcing query', async () => {
    const run = await w.run(['explain', 'okta/bob', 'hr_data', '--dialect', 'trino']);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('okta/bob on hr_data: GRANTED');
    expect(lines).toContain('│  ├─ ✓ country-access [always required]: okta/Country=US');
    expect(lines).toContain('│  └─ ✓ legal-team [shares responsibility]: member of okta/Legal');
    expect(lines).toContain('│  ├─ ssn: masked (hash) by mask-pii');
    expect(run.stdout).toContain('└─ enforcing query (trino):\n   └─ SELECT "id" AS "id"');
    expect(run.stdout).toContain('FROM "warden"."hr"."employees"');
  });

  it('says which condition failed and names a policy disabled on the source', async () => {
    expect((await w.api('/v1/data-sources/hr_data/disabled-policies/legal-team', { method: 'PUT' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1200));
    const run = await w.run(['explain', 'okta/steve', 'hr_data']);
    expect(run.stdout).toContain('okta/steve on hr_data: DENIED (not satisfied: `employees-only`)');
    expect(run.stdout).toContain('✗ employees-only [always required]');
    expect(run.stdout).toContain('○ legal-team: disabled on this data source');
    expect((await w.api('/v1/data-sources/hr_data/disabled-policies/legal-team', { method: 'DELETE' })).status).toBe(200);
  });

  it('refuses a user not written `iamid/userid` and an unknown dialect', async () => {
    expect(problems((await w.run(['explain', 'bob', 'hr_data'])).stderr)).toEqual(['error: `bob` is not a user: expected `iamid/userid`']);
    const dialect = await w.run(['explain', 'okta/bob', 'hr_data', '--dialect', 'oracle']);
    expect(dialect.code).toBe(1);
    expect(problems(dialect.stderr)[0]).toBe('error: unknown dialect `oracle`: expected one of postgres, trino, snowflake, databricks');
  });
});

describe('simulate', () => {
  it('lists who may query the sources with a tag, and what a user may query', async () => {
    const tag = await w.run(['simulate', '--tag', 'Strictly Confidential']);
    expect(tag).toMatchObject({ code: 0, stdout: 'hr_data: okta/bob, okta/jdoe\npatients: okta/bob, okta/jdoe\n' });
    expect(await w.run(['simulate', 'okta/jdoe'])).toMatchObject({ code: 0, stdout: 'okta/jdoe may query hr_data, patients, sales\n' });
  });
});

describe('audit', () => {
  it('prints the trail oldest first, filtered by action, and refuses a duration it cannot read', async () => {
    const run = await w.run(['audit', '--action', 'UPDATE', '--since', '1h']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.every((l) => / {2}UPDATE SUCCESS {2}/.test(l))).toBe(true);
    // The policy disabled on hr_data, then enabled again, by the explain tests above.
    const hr = lines.filter((l) => l.includes('dataSource hr_data'));
    expect(hr).toHaveLength(2);
    expect(hr[0]).toMatch(/^\S+Z {2}UPDATE SUCCESS {2}dataSource hr_data {2}bootstrap:admin$/);
    expect(hr[0]! < hr[1]!).toBe(true);
    expect(problems((await w.run(['audit', '--since', 'yesterday'])).stderr)).toEqual(['error: `yesterday` is not a duration: expected a number and s, m, h or d, such as `1h`']);
  });

  it('keeps printing new records with --follow', async () => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../cli/warden.js', import.meta.url)), 'audit', '--action', 'DELETE', '--follow', '--interval', '1s'], {
      cwd: w.dir,
      env: { ...process.env, WARDEN_URL: w.warden.url, WARDEN_API_KEY: ADMIN_KEY },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await new Promise((r) => setTimeout(r, 2500));
      expect(out).toBe('');
      expect((await w.api('/v1/data-sources/sales', { method: 'DELETE' })).status).toBe(204);
      for (let i = 0; i < 40 && !out; i++) await new Promise((r) => setTimeout(r, 250));
      expect(out).toMatch(/^\S+Z {2}DELETE SUCCESS {2}dataSource sales {2}bootstrap:admin\n$/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('completion', () => {
  it('prints a script that calls back the command, which completes command names', async () => {
    const script = await w.run(['completion', 'bash']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('warden completion-server');
    const words = await w.run(['completion-server'], { env: { COMP_CWORD: '1', COMP_POINT: '7', COMP_LINE: 'warden ', SHELL: '/bin/bash' } });
    expect(words.stdout.split('\n')).toEqual(expect.arrayContaining(['login', 'plan', 'apply', 'explain']));
    expect(problems((await w.run(['completion', 'tcsh'])).stderr)).toEqual(['error: unsupported shell `tcsh`: expected one of bash, fish, pwsh, zsh']);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe.skipIf(!hasScript)('on a terminal', () => {
  /** Runs the command on a pseudo-terminal (util-linux `script`), as a person at a shell would; asynchronously, since the server runs in this process. */
  const onTerminal = async (args: string, env: Record<string, string> = {}) =>
    (
      await promisify(execFile)('script', ['-qec', `stty cols 100 rows 30; ${process.execPath} ${fileURLToPath(new URL('../../cli/warden.js', import.meta.url))} ${args}`, '/dev/null'], {
        cwd: w.dir,
        env: { ...process.env, WARDEN_URL: w.warden.url, WARDEN_API_KEY: ADMIN_KEY, ...env },
      })
    ).stdout;

  it('colours the output and spins while planning, and does neither with NO_COLOR', async () => {
    expect((await w.run(['export', 'tty'])).code).toBe(0);
    const coloured = await onTerminal('plan tty');
    expect(coloured).toContain('\u001b[1mNo changes');
    expect(coloured).toContain('computing the plan');
    const plain = await onTerminal('plan tty', { NO_COLOR: '1' });
    expect(plain).not.toContain('\u001b[');
    expect(plain).not.toContain('computing the plan');
    expect(plain).toContain('No changes: the live state matches the files.');
  });
});
