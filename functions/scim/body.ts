import type { Context } from 'hono';
import { readText } from '#shared/http/body.ts';
import { InvalidSyntaxError } from './errors.ts';

/** The JSON body of a SCIM request (`application/scim+json` or `application/json`); 413 over 1 MiB. */
export async function readScimBody(c: Context): Promise<unknown> {
  const text = await readText(c);
  if (!text.trim()) throw new InvalidSyntaxError('the request body is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InvalidSyntaxError(`malformed JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}
