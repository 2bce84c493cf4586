/** A problem document (RFC 9457), as every non-SCIM error of the API is answered. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

/** An answer that is not a success: the status and the problem the API described. */
export class WardenApiError extends Error {
  override readonly name = 'WardenApiError';

  constructor(
    readonly operationId: string,
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail);
  }
}

/** The problem of a failed answer's text: the API's own, or one built from the status. */
export function problemOf(status: number, statusText: string, text: string): Problem {
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.detail === 'string') return { type: body.type ?? 'about:blank', title: body.title ?? statusText, status, detail: body.detail };
  } catch {
    // Not JSON: a proxy or gateway answered; its text says what happened.
  }
  const detail = text.trim().slice(0, 500) || statusText || `status ${status}`;
  return { type: 'about:blank', title: statusText, status, detail: detail.charAt(0).toLowerCase() + detail.slice(1) };
}
