/** The plugin's five policy URIs: property name → the path below the integration. */
const POLICY_URIS = [
  ['opa.policy.uri', 'allow'],
  ['opa.policy.batched-uri', 'batch'],
  ['opa.policy.row-filters-uri', 'row-filters'],
  ['opa.policy.column-masking-uri', 'column-mask'],
  ['opa.policy.batch-column-masking-uri', 'batch-column-mask'],
] as const;

/**
 * Trino's `etc/access-control.properties` for an integration: the plugin and its five URIs,
 * each carrying the credential in `?key=` (the plugin sends no headers). Only the id, a UUID,
 * goes into the comment: a name could hold a line break and so a property.
 */
export function accessControlProperties(baseUrl: string, id: string, credential: string): string {
  const base = `${baseUrl.replace(/\/+$/, '')}/v1/opa/trino/${id}`;
  const lines = [`# Warden: Trino integration ${id}`, 'access-control.name=opa', ...POLICY_URIS.map(([property, path]) => `${property}=${base}/${path}?key=${credential}`)];
  return `${lines.join('\n')}\n`;
}
