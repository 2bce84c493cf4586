import { DomainError, domainError, domainSubError } from '#shared/model/errors.ts';

/** A uniqueness marker already exists (duplicate userName, group name, key …). */
export class ConflictError extends domainError('ConflictError', 'conflict') {}

/** A conditional write lost a race: the item changed since it was read. */
export class VersionMismatchError extends domainError('VersionMismatchError', 'conflict', { lostRace: true }) {}

/** The item to change does not exist. */
export class NotFoundError extends domainError('NotFoundError', 'not-found') {}

/** A user to add to a group does not exist (the group does). */
export class MemberNotFoundError extends domainSubError(NotFoundError, 'MemberNotFoundError') {}

/** A source write whose tag index changes would not fit the transaction that writes the source. */
export class TagIndexLimitError extends domainError('TagIndexLimitError', 'invalid') {}

/** DynamoDB is throttling or failing for now: the same request may succeed a little later. */
export class StoreUnavailableError extends domainError('StoreUnavailableError', 'unavailable') {}

/**
 * DynamoDB's answers that say "not now" rather than "not so": throttling, limits, timeouts and
 * its own faults. The SDK has already retried them when they reach Warden.
 */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);
const TRANSIENT_CANCELLATIONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict']);

type Cancelled = Error & { CancellationReasons?: Array<{ Code?: string }> };

/** True when a DynamoDB failure is transient (a later retry may succeed); false for every other error. */
export function isTransientStoreFailure(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof DomainError) return false;
  if (TRANSIENT.has(err.name) || NETWORK_CODES.has(String((err as NodeJS.ErrnoException).code))) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (err.name !== 'TransactionCanceledException') return false;
  // Cancelled only for reasons that pass: no condition failed, something throttled.
  const codes = ((err as Cancelled).CancellationReasons ?? []).map((r) => r.Code ?? 'None').filter((c) => c !== 'None');
  return codes.length > 0 && codes.every((c) => TRANSIENT_CANCELLATIONS.has(c)) && codes.some((c) => c !== 'TransactionConflict');
}

/** The error a store caller sees: a transient DynamoDB failure as a `StoreUnavailableError`, anything else as it was. */
export function storeError(err: unknown): unknown {
  return isTransientStoreFailure(err) ? new StoreUnavailableError(`dynamodb is unavailable: ${(err as Error).name}`) : err;
}

/** True for DynamoDB's failed-condition errors, plain or inside a cancelled transaction. */
export function isConditionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'ConditionalCheckFailedException') return true;
  if (err.name === 'TransactionCanceledException') {
    const reasons = (err as Cancelled).CancellationReasons ?? [];
    return reasons.some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return false;
}

/** Index of the first transaction item whose condition failed, if known. */
export function failedConditionIndex(err: unknown): number {
  const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
}

/** Thrown when a group's attribute values would no longer fit the one item that holds them. */
export class GroupAttributesLimitError extends domainError('GroupAttributesLimitError', 'invalid') {}
