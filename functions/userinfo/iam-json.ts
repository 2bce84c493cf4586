import type { ExternalSourceJson, IamJson } from '#shared/model/iams.ts';
import type { ExternalSource, IamRecord } from '#shared/store/iams.ts';

/** An external source as the API shows it: never its password. */
export function externalSourceJson(src: ExternalSource): ExternalSourceJson {
  return { uri: src.uri, auth: src.auth.type === 'basic' ? { type: 'basic', username: src.auth.username } : { type: 'none' }, ttlSeconds: src.ttlSeconds };
}

/**
 * An IAM as the API shows it: never the SCIM token hash, never the source's password.
 * `trustedForPolicies`: whether policies believe its users' groups and attributes.
 */
export function toIamJson(iam: IamRecord, trustedForPolicies: boolean): IamJson {
  return {
    id: iam.id,
    name: iam.name,
    trustedForPolicies,
    scim: { enabled: iam.scim.enabled, attributeMappings: [...(iam.scim.attributeMappings ?? [])] },
    externalSource: iam.externalSource ? externalSourceJson(iam.externalSource) : null,
  };
}
