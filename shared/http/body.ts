import type { Context } from 'hono';
import type * as z from 'zod';
import { badRequest, payloadTooLarge, unsupportedMediaType } from './errors.ts';

/** Largest request body accepted anywhere. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Formats the first zod issues as ``field `a.b`: message``. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join('.');
      const unknown = i.code === 'unrecognized_keys' ? ` \`${(i as { keys: string[] }).keys.join('`, `')}\`` : '';
      return path ? `\`${path}\`: ${i.message}${unknown}` : `${i.message}${unknown}`;
    })
    .join('; ');
}

/** Reads the raw body as text, refusing more than 1 MiB. */
export async function readText(c: Context): Promise<string> {
  const declared = Number(c.req.header('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw payloadTooLarge();
  const buf = await c.req.arrayBuffer();
  if (buf.byteLength > MAX_BODY_BYTES) throw payloadTooLarge();
  return new TextDecoder('utf-8', { fatal: false }).decode(buf);
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/** The media type of the request, lowercased, without parameters. */
export function mediaType(c: Context): string {
  return (c.req.header('content-type') ?? 'application/json').split(';')[0]!.trim().toLowerCase();
}

/** True when the request declares a YAML body. */
export const isYaml = (c: Context): boolean => YAML_TYPES.has(mediaType(c));

/**
 * Parses a JSON body; a YAML body is 415 here (only policy documents take YAML). An empty
 * body is a 400, or `emptyAs` where the body is optional.
 */
export async function readDocument(c: Context, options: { emptyAs?: unknown } = {}): Promise<unknown> {
  if (isYaml(c)) throw unsupportedMediaType('this endpoint takes `application/json`');
  const text = await readText(c);
  if (!text.trim()) {
    if ('emptyAs' in options) return options.emptyAs;
    throw badRequest('request body is empty');
  }
  return parseJson(text);
}

/**
 * Parses JSON text; a 400 `malformed JSON: …` says why, with what `explain` says about the text
 * when it knows better than the parser (a YAML body sent as JSON).
 */
export function parseJson(text: string, explain?: (text: string) => string | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badRequest(`malformed JSON: ${explain?.(text) ?? (err as Error).message.split('\n')[0]}`);
  }
}

/** Parses and validates a body against a schema; 400 names the offending field. */
export async function readBody<S extends z.ZodType>(c: Context, schema: S, options: { optional?: boolean } = {}): Promise<z.infer<S>> {
  const doc = await readDocument(c, options.optional ? { emptyAs: {} } : {});
  const parsed = schema.safeParse(doc);
  if (!parsed.success) throw badRequest(`invalid body: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Validates query parameters against a schema; 400 names the offending parameter. */
export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw badRequest(`invalid query: ${describeZodError(parsed.error)}`);
  return parsed.data;
}
