import type * as z from 'zod';
import { BUILT_IN_IAM, iamIdSchema, type Principal } from '#shared/model/identity.ts';
import { impersonatorSchema, MAX_TOKEN_TTL_SECONDS, MIN_TOKEN_TTL_SECONDS, type ImpersonationSettings } from '#shared/model/impersonation.ts';
import { InvalidSettingError } from './errors.ts';

/** Parses `service:bi-tool,user:okta/edixon,user:dakota@example.com` (a user without IAM is in `defaultIam`). */
export function parseImpersonatorList(text: string, defaultIam: string): Principal[] {
  const out: Principal[] = [];
  for (const raw of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [type, rest] = raw.includes(':') ? [raw.slice(0, raw.indexOf(':')), raw.slice(raw.indexOf(':') + 1)] : ['user', raw];
    const slash = rest.indexOf('/');
    const candidate =
      type === 'service'
        ? { type, id: rest }
        : type === 'user'
          ? { type, id: slash >= 0 ? rest.slice(slash + 1) : rest, iamid: slash >= 0 ? rest.slice(0, slash) : defaultIam }
          : undefined;
    const parsed = impersonatorSchema.safeParse(candidate);
    if (!parsed.success) throw new InvalidSettingError(`invalid impersonator \`${raw}\`: expected \`service:<id>\` or \`user:<iamid>/<userid>\``);
    out.push(normalize(parsed.data, defaultIam));
  }
  return out;
}

/** An allow-list entry as a principal (a user without IAM belongs to `defaultIam`). */
export function normalize(entry: z.infer<typeof impersonatorSchema>, defaultIam: string): Principal {
  return entry.type === 'service' ? { type: 'service', id: entry.id } : { type: 'user', iamid: entry.iamid ?? defaultIam, id: entry.id };
}

function parseBoolean(name: string, value: string): boolean {
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new InvalidSettingError(`invalid ${name} \`${value}\`: expected true or false`);
}

/**
 * Deployment defaults from the environment, as Databricks reads its cluster variables:
 * `WARDEN_ALLOWED_IMPERSONATORS`, `WARDEN_SINGLE_IMPERSONATION_USER`, `WARDEN_USER_MAPPING_IAMID`,
 * `WARDEN_IMPERSONATION_TTL_SECONDS`; a user named without IAM, and the mapping IAM, default to
 * `defaultIam` (`WARDEN_DEFAULT_IAM`). The lock is on unless turned off: switching users is the riskier choice. Only
 * `readConfig` calls it.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv, defaultIam = env.WARDEN_DEFAULT_IAM || BUILT_IN_IAM): ImpersonationSettings {
  const ttlText = env.WARDEN_IMPERSONATION_TTL_SECONDS;
  const ttl = ttlText ? Number(ttlText) : 900;
  if (!Number.isInteger(ttl) || ttl < MIN_TOKEN_TTL_SECONDS || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new InvalidSettingError(
      `invalid WARDEN_IMPERSONATION_TTL_SECONDS \`${ttlText}\`: expected an integer from ${MIN_TOKEN_TTL_SECONDS} to ${MAX_TOKEN_TTL_SECONDS}`,
    );
  }
  const iam = env.WARDEN_USER_MAPPING_IAMID || defaultIam;
  if (!iamIdSchema.safeParse(iam).success) throw new InvalidSettingError(`invalid WARDEN_USER_MAPPING_IAMID \`${iam}\``);
  return {
    allowedImpersonators: parseImpersonatorList(env.WARDEN_ALLOWED_IMPERSONATORS ?? '', defaultIam),
    singleImpersonationPerSession: env.WARDEN_SINGLE_IMPERSONATION_USER ? parseBoolean('WARDEN_SINGLE_IMPERSONATION_USER', env.WARDEN_SINGLE_IMPERSONATION_USER) : true,
    userMappingIamid: iam,
    tokenTtlSeconds: ttl,
  };
}

/**
 * `WARDEN_REQUIRE_ALLOW_LIST`: when true, users need a place in `allowedImpersonators` besides
 * `IMPERSONATE_USER`. A deployment setting, not part of the settings document: an admin with
 * `USER_ADMIN` cannot loosen it at run time. Only `readConfig` calls it.
 */
export function requireAllowListFromEnv(env: NodeJS.ProcessEnv): boolean {
  const text = env.WARDEN_REQUIRE_ALLOW_LIST;
  return text ? parseBoolean('WARDEN_REQUIRE_ALLOW_LIST', text) : false;
}

/** True when the principal is on the allow list. */
export function isAllowListed(settings: Pick<ImpersonationSettings, 'allowedImpersonators'>, p: Principal): boolean {
  return settings.allowedImpersonators.some((a) =>
    a.type === 'service' ? p.type === 'service' && p.id === a.id : p.type === 'user' && p.id === a.id && p.iamid === a.iamid,
  );
}
