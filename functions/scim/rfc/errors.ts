/** The `scimType` codes of RFC 7644 §3.12. */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** A failure answered with an RFC 7644 §3.12 error body. */
export class ScimError extends Error {
  override readonly name: string = 'ScimError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: ScimType,
  ) {
    super(detail);
  }
}

/** A filter (or PATCH path filter) that does not parse or compares what cannot be compared. */
export class InvalidFilterError extends ScimError {
  override readonly name = 'InvalidFilterError';
  constructor(detail: string) {
    super(400, detail, 'invalidFilter');
  }
}

/** A PATCH `path` that is malformed or names nothing patchable. */
export class InvalidPathError extends ScimError {
  override readonly name = 'InvalidPathError';
  constructor(detail: string) {
    super(400, detail, 'invalidPath');
  }
}

/** A PATCH operation whose target matched nothing. */
export class NoTargetError extends ScimError {
  override readonly name = 'NoTargetError';
  constructor(detail: string) {
    super(400, detail, 'noTarget');
  }
}

/** A value of the wrong type, or a required value missing. */
export class InvalidValueError extends ScimError {
  override readonly name = 'InvalidValueError';
  constructor(detail: string) {
    super(400, detail, 'invalidValue');
  }
}

/** An attempt to change a read-only or immutable attribute (`id`, `meta`). */
export class MutabilityError extends ScimError {
  override readonly name = 'MutabilityError';
  constructor(detail: string) {
    super(400, detail, 'mutability');
  }
}

/** A request body that is not the shape the endpoint takes. */
export class InvalidSyntaxError extends ScimError {
  override readonly name = 'InvalidSyntaxError';
  constructor(detail: string) {
    super(400, detail, 'invalidSyntax');
  }
}

/** A client's text as an error message shows it: control characters escaped, a long one cut. */
export function excerpt(text: string): string {
  const escaped = JSON.stringify(text).slice(1, -1);
  return escaped.length > 64 ? `${escaped.slice(0, 64)}…` : escaped;
}

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** The RFC 7644 §3.12 error body; `status` is a string there. */
export interface ScimErrorBody {
  readonly schemas: [typeof ERROR_SCHEMA];
  readonly status: string;
  readonly scimType?: ScimType;
  readonly detail: string;
}

/** Renders `err` as the body RFC 7644 §3.12 prescribes, omitting `scimType` when it has none. */
export function scimErrorBody(err: ScimError): ScimErrorBody {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(err.status),
    ...(err.scimType ? { scimType: err.scimType } : {}),
    detail: err.detail,
  };
}
