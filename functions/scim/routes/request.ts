import type { Context } from 'hono';
import { readText } from '#shared/http/body.ts';
import { isReservedKey } from '#shared/model/dict.ts';
import { InvalidSyntaxError, InvalidValueError } from '../rfc/errors.ts';
import type { Param } from '../rfc/query.ts';

/** Where a value sits in a body: its key and its parent, the path built only if it is needed. */
interface Place {
  readonly value: unknown;
  readonly key?: string;
  readonly index?: boolean;
  readonly parent?: Place;
}

/** `a.b[0].c` of a place; a deep one names only its last few steps. */
function pathOf(place: Place): string {
  const steps: string[] = [];
  for (let p: Place | undefined = place; p?.key !== undefined && steps.length < 8; p = p.parent) steps.unshift(p.index ? `[${p.key}]` : `.${p.key}`);
  const text = steps.join('').replace(/^\./, '');
  return steps.length < 8 ? text : `…${text}`;
}

/**
 * Refuses a reserved name (`__proto__`) used as a key anywhere in `doc`, naming where. RFC 7643
 * §2.1 attribute names start with a letter, so no SCIM client has a use for it. Walked with a
 * stack, not recursion: a 1 MiB body may nest half a million levels.
 */
function refuseReservedKeys(doc: unknown): void {
  const pending: Place[] = [{ value: doc }];
  for (let place = pending.pop(); place; place = pending.pop()) {
    const { value } = place;
    if (typeof value !== 'object' || value === null) continue;
    const index = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      const at: Place = { value: child, key, index, parent: place };
      if (!index && isReservedKey(key)) {
        const where = pathOf(at);
        throw new InvalidValueError(`${where === key ? '' : `\`${where}\`: `}\`${key}\` is a reserved name`);
      }
      pending.push(at);
    }
  }
}

/**
 * The JSON body of a SCIM request (`application/scim+json` or `application/json`); 413 over
 * 1 MiB, 400 `invalidValue` for a reserved key anywhere in it.
 */
export async function readScimBody(c: Context): Promise<unknown> {
  const text = await readText(c);
  if (!text.trim()) throw new InvalidSyntaxError('the request body is empty');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InvalidSyntaxError(`malformed JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  refuseReservedKeys(doc);
  return doc;
}

/** The query string of a request as a reader of the RFC 7644 §3.4.2 parameters. */
export function queryOf(c: Context): Param {
  return (name) => c.req.query(name);
}
