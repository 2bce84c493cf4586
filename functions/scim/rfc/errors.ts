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

/** The base of a named 400 `ScimError` of one `scimType` (the name spelled out: bundles are minified). */
function badRequest(name: string, scimType: ScimType): new (detail: string) => ScimError {
  return class extends ScimError {
    override readonly name: string = name;
    constructor(detail: string) {
      super(400, detail, scimType);
    }
  };
}

/** A filter (or PATCH path filter) that does not parse or compares what cannot be compared. */
export class InvalidFilterError extends badRequest('InvalidFilterError', 'invalidFilter') {}

/** A PATCH `path` that is malformed or names nothing patchable. */
export class InvalidPathError extends badRequest('InvalidPathError', 'invalidPath') {}

/** A PATCH operation whose target matched nothing. */
export class NoTargetError extends badRequest('NoTargetError', 'noTarget') {}

/** A value of the wrong type, or a required value missing. */
export class InvalidValueError extends badRequest('InvalidValueError', 'invalidValue') {}

/** An attempt to change a read-only or immutable attribute (`id`, `meta`). */
export class MutabilityError extends badRequest('MutabilityError', 'mutability') {}

/** A request body that is not the shape the endpoint takes. */
export class InvalidSyntaxError extends badRequest('InvalidSyntaxError', 'invalidSyntax') {}

/** 400 `tooMany`: more than the server will put in one answer. */
export class TooManyError extends badRequest('TooManyError', 'tooMany') {}

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
