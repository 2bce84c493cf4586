import type { IamRecord } from '#shared/store/iams.ts';

/** An IAM as the API shows it: never the SCIM token hash, never the source's password. */
export function toIamJson(iam: IamRecord): Record<string, unknown> {
  const src = iam.externalSource;
  return {
    id: iam.id,
    name: iam.name,
    scim: { enabled: iam.scim.enabled, attributeMappings: iam.scim.attributeMappings ?? [] },
    externalSource: src
      ? { uri: src.uri, auth: src.auth.type === 'basic' ? { type: 'basic', username: src.auth.username } : { type: 'none' }, ttlSeconds: src.ttlSeconds }
      : null,
  };
}
