import { badRequest } from '#shared/http/errors.ts';

/** DynamoDB items hold 400 KB; a larger document is refused before it reaches the store. */
const MAX_ITEM_CHARS = 350_000;

/** Fails with 400 when a record would not fit in one item. */
export function checkStorable(what: string, value: unknown): void {
  const size = JSON.stringify(value).length;
  if (size > MAX_ITEM_CHARS) throw badRequest(`${what} is too large to store: ${size} characters, at most ${MAX_ITEM_CHARS}`);
}
