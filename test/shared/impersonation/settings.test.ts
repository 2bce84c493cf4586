import { describe, expect, it } from 'vitest';
import { InvalidSettingError } from '#shared/impersonation/errors.ts';
import { isAllowListed, settingsFromEnv } from '#shared/impersonation/settings.ts';

describe('deployment defaults from the environment', () => {
  it('reads the allow list, lock, mapping IAM and lifetime as Databricks reads its cluster variables', () => {
    const s = settingsFromEnv({
      WARDEN_ALLOWED_IMPERSONATORS: 'service:bi-tool, user:okta/edixon,dakota@example.com',
      WARDEN_SINGLE_IMPERSONATION_USER: 'false',
      WARDEN_USER_MAPPING_IAMID: 'okta',
      WARDEN_IMPERSONATION_TTL_SECONDS: '300',
    });
    expect(s).toEqual({
      allowedImpersonators: [
        { type: 'service', id: 'bi-tool' },
        { type: 'user', iamid: 'okta', id: 'edixon' },
        { type: 'user', iamid: 'bim', id: 'dakota@example.com' },
      ],
      singleImpersonationPerSession: false,
      userMappingIamid: 'okta',
      tokenTtlSeconds: 300,
    });
    expect(isAllowListed(s, { type: 'user', iamid: 'okta', id: 'edixon' })).toBe(true);
    expect(isAllowListed(s, { type: 'user', iamid: 'bim', id: 'edixon' })).toBe(false);
    expect(isAllowListed(s, { type: 'user', iamid: 'okta', id: 'bi-tool' })).toBe(false);
  });

  it('defaults to nobody allow-listed, the lock on, the built-in IAM and 15 minutes', () => {
    expect(settingsFromEnv({})).toEqual({ allowedImpersonators: [], singleImpersonationPerSession: true, userMappingIamid: 'bim', tokenTtlSeconds: 900 });
  });

  it('refuses unusable values, naming the variable', () => {
    expect(() => settingsFromEnv({ WARDEN_IMPERSONATION_TTL_SECONDS: '10' })).toThrow(/WARDEN_IMPERSONATION_TTL_SECONDS `10`/);
    expect(() => settingsFromEnv({ WARDEN_SINGLE_IMPERSONATION_USER: 'maybe' })).toThrow(InvalidSettingError);
    expect(() => settingsFromEnv({ WARDEN_ALLOWED_IMPERSONATORS: 'robot:x' })).toThrow(/invalid impersonator `robot:x`/);
  });
});
