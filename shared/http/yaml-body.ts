import type { Context } from 'hono';
import { parse as parseYaml } from 'yaml';
import { isYaml, readDocument, readText } from './body.ts';
import { badRequest } from './errors.ts';

/**
 * Parses a JSON or, with a YAML content type, YAML body. Kept apart from `body.ts` so that only
 * the function that takes YAML (policy documents) bundles the YAML parser.
 */
export async function readJsonOrYaml(c: Context): Promise<unknown> {
  if (!isYaml(c)) return readDocument(c);
  const text = await readText(c);
  if (!text.trim()) throw badRequest('request body is empty');
  try {
    return parseYaml(text, { maxAliasCount: 100, logLevel: 'error' });
  } catch (err) {
    throw badRequest(`malformed YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
