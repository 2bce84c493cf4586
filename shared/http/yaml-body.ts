import type { Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { isYaml, parseJson, readText } from './body.ts';
import { badRequest } from './errors.ts';

const YAML_OPTIONS = { maxAliasCount: 100, logLevel: 'error' } as const;

/**
 * Parses a JSON or, with a YAML content type, YAML body. Kept apart from `body.ts` so that only
 * the function that takes YAML (policy documents) bundles the YAML parser.
 */
export async function readJsonOrYaml(c: Context): Promise<unknown> {
  const yaml = isYaml(c);
  const text = await readText(c);
  if (!text.trim()) throw badRequest('request body is empty');
  if (!yaml) return parseJson(text, yamlHint);
  try {
    return parseYaml(text, YAML_OPTIONS);
  } catch (err) {
    throw badRequest(`malformed YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Why a body that is not JSON failed, when it is a YAML mapping or sequence sent without its
 * content type. Almost any text is a YAML scalar, so only a collection counts as looking like YAML.
 */
function yamlHint(text: string): string | undefined {
  try {
    const doc: unknown = parseYaml(text, YAML_OPTIONS);
    return typeof doc === 'object' && doc !== null ? 'the body looks like YAML: send it with `Content-Type: application/yaml`' : undefined;
  } catch {
    return undefined;
  }
}
