import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '#shared/config.ts';

const LAMBDA = {
  AWS_LAMBDA_FUNCTION_NAME: 'warden-policy',
  WARDEN_ISSUER: 'https://api.example.com',
  TABLE_IDENTITIES: 'Identities',
  TABLE_CATALOG: 'Catalog',
  TABLE_POLICIES: 'Policies',
  TABLE_SESSIONS: 'Sessions',
  TABLE_AUDIT: 'Audit',
};

describe('configuration', () => {
  it('runs locally on defaults: the built-in IAM, quiet logs, no metrics', () => {
    const c = readConfig({});
    expect(c).toMatchObject({ inAws: false, defaultIam: 'bim', logLevel: 'warn', metrics: false, checkReplies: true, snapshotRefreshMs: 1000, issuer: 'http://127.0.0.1:8080' });
    expect(c.local).toEqual({ port: 8080, syncIntervalMs: 300_000 });
  });

  it('accepts LOG_LEVEL in any case, as CDK writes it (`INFO`)', () => {
    expect(readConfig({ LOG_LEVEL: 'INFO' }).logLevel).toBe('info');
    expect(readConfig({ LOG_LEVEL: 'Debug' }).logLevel).toBe('debug');
    expect(() => readConfig({ LOG_LEVEL: 'loud' })).toThrow(/`LOG_LEVEL`/);
  });

  it('makes the default IAM a setting, used by the impersonation defaults too', () => {
    const c = readConfig({ WARDEN_DEFAULT_IAM: 'okta', WARDEN_ALLOWED_IMPERSONATORS: 'dakota@example.com' });
    expect(c.defaultIam).toBe('okta');
    expect(c.impersonationDefaults.userMappingIamid).toBe('okta');
    expect(c.impersonationDefaults.allowedImpersonators).toEqual([{ type: 'user', iamid: 'okta', id: 'dakota@example.com' }]);
    expect(() => readConfig({ WARDEN_DEFAULT_IAM: 'no/slash' })).toThrow(/`WARDEN_DEFAULT_IAM`/);
  });

  it('fails fast in Lambda when the issuer or a table name is missing, naming every one', () => {
    expect(readConfig(LAMBDA)).toMatchObject({ inAws: true, issuer: 'https://api.example.com', logLevel: 'info', metrics: true, checkReplies: false, tableNames: { audit: 'Audit' } });
    const { WARDEN_ISSUER: _issuer, TABLE_AUDIT: _audit, ...missing } = LAMBDA;
    expect(() => readConfig(missing)).toThrow(ConfigError);
    expect(() => readConfig(missing)).toThrow('invalid configuration: `WARDEN_ISSUER`: required in AWS Lambda; `TABLE_AUDIT`: required in AWS Lambda');
  });

  it('refuses a malformed value instead of falling back, and reports every problem at once', () => {
    const attempt = () => readConfig({ WARDEN_SNAPSHOT_REFRESH_MS: 'soon', PORT: '70000', WARDEN_IMPERSONATION_TTL_SECONDS: '5', WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS: 'x/y' });
    expect(attempt).toThrow(/`WARDEN_SNAPSHOT_REFRESH_MS`/);
    expect(attempt).toThrow(/`PORT`/);
    expect(attempt).toThrow(/WARDEN_IMPERSONATION_TTL_SECONDS `5`/);
    expect(attempt).toThrow(/WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS entry `x\/y`/);
  });

  it('checks replies outside AWS unless told not to, and in AWS only when told to', () => {
    expect(readConfig({ WARDEN_CHECK_REPLIES: 'off' }).checkReplies).toBe(false);
    expect(readConfig({ ...LAMBDA, WARDEN_CHECK_REPLIES: 'on' }).checkReplies).toBe(true);
    expect(() => readConfig({ WARDEN_CHECK_REPLIES: 'yes' })).toThrow(/`WARDEN_CHECK_REPLIES`/);
  });

  it('treats an empty variable as unset', () => {
    expect(readConfig({ WARDEN_DEFAULT_IAM: '', LOG_LEVEL: '', PORT: '' })).toMatchObject({ defaultIam: 'bim', logLevel: 'warn', local: { port: 8080 } });
  });
});
