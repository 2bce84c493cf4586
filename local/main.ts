import { parseArgs } from 'node:util';
import { ConfigError, readConfig, type Config } from '#shared/config.ts';
import { JavaMissingError } from './dynamo.ts';
import { startLocal } from './bootstrap.ts';
import { startLocalQueryEngine } from '#query-engine/local.ts';

const started = performance.now();
const { values } = parseArgs({
  options: { 'no-seed': { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  allowPositionals: false,
});

let config: Config;
try {
  config = readConfig(process.env);
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`);
  process.exit(2);
}

try {
  const warden = await startLocal({
    config,
    port: config.local.port,
    seed: !values['no-seed'],
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(config.local.adminKey ? { adminKey: config.local.adminKey } : {}),
    ...(config.local.scimToken ? { scimToken: config.local.scimToken } : {}),
    ...(config.dynamoEndpoint ? { dynamoEndpoint: config.dynamoEndpoint } : {}),
  });
  const queryEngine = await startLocalQueryEngine(warden.services, { seed: !values['no-seed'] }).catch(async (err: unknown) => {
    await warden.stop();
    throw err;
  });
  const u = warden.url;
  const admin = `curl -s -H 'Authorization: Bearer ${warden.adminKey}'`;
  const scim = `curl -s -H 'Authorization: Bearer ${warden.scimToken}'`;
  // The seed provisions okta's demo users through SCIM, so SCIM finds jdoe; without it, only discovery answers.
  const examples = values['no-seed']
    ? [`  ${scim} ${u}/scim/v2/ServiceProviderConfig`]
    : [`  ${admin} ${u}/v1/users/okta/jdoe`, `  ${scim} '${u}/scim/v2/Users?filter=userName%20eq%20%22jdoe%22'`];
  process.stdout.write(
    [
      `admin API key:     ${warden.adminKey}`,
      `SCIM token (okta): ${warden.scimToken}`,
      '',
      'try:',
      `  curl -s ${u}/health`,
      ...examples,
      '',
      `API reference:     ${u}/docs`,
      `console:           ${u}/console (sign in with the admin API key)`,
      '',
      `query engine (psql; then SET warden.impersonation_iamid = 'okta'; IMPERSONATE "jdoe";):`,
      `  ${queryEngine.psql}`,
      `ready on ${u} (${Math.round(performance.now() - started)} ms)`,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void queryEngine
      .stop()
      .then(() => warden.stop())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} catch (err) {
  process.stderr.write(`${err instanceof JavaMissingError ? err.message : `failed to start: ${(err as Error).stack ?? String(err)}`}\n`);
  process.exit(1);
}
