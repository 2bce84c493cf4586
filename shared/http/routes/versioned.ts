import type * as z from 'zod';

/** The header of a versioned document's answer (data sources, policies). */
export const etag = { ETag: 'the version, `W/"<version>"`: send it back as `If-Match`' } as const;

/** The failure of a write that lost to a concurrent one. */
export const CONCURRENT_WRITE = { 409: 'changed concurrently' } as const;

/** The failures of a write conditional on the version read: a concurrent change, or an `If-Match` that does not hold. */
export const CONDITIONAL_WRITE = { ...CONCURRENT_WRITE, 412: '`If-Match` does not hold' } as const;

/** The answers of a create-or-replace `PUT`: the document as stored, 200 when it replaced one, 201 when it created it. */
export const createdOrReplaced = <S extends z.ZodType>(schema: S, headers?: typeof etag) =>
  ({
    200: { description: 'replaced', schema, ...(headers ? { headers } : {}) },
    201: { description: 'created', schema, ...(headers ? { headers } : {}) },
  }) as const;
