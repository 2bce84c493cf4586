/** An HTTP failure with an RFC 9457 problem body; the one error type `onError` maps. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

export const badRequest = (detail: string) => new HttpError(400, 'Bad Request', detail);
export const unauthorized = (detail = 'missing or invalid credentials') =>
  new HttpError(401, 'Unauthorized', detail, { 'WWW-Authenticate': 'Bearer' });
export const forbidden = (detail: string) => new HttpError(403, 'Forbidden', detail);
export const notFound = (detail: string) => new HttpError(404, 'Not Found', detail);
export const conflict = (detail: string) => new HttpError(409, 'Conflict', detail);
export const preconditionFailed = (detail: string) => new HttpError(412, 'Precondition Failed', detail);
export const payloadTooLarge = () => new HttpError(413, 'Payload Too Large', 'request body exceeds 1 MiB');
export const unsupportedMediaType = (detail: string) => new HttpError(415, 'Unsupported Media Type', detail);
