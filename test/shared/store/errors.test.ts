import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ResourceNotFoundException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isTransientStoreFailure, NotFoundError, StoreUnavailableError, storeError } from '#shared/store/errors.ts';

const meta = { $metadata: {} };

describe('transient DynamoDB failures', () => {
  it('are throttling, limits, timeouts and DynamoDB faults, as the SDK raises them', () => {
    const transient = [
      new ProvisionedThroughputExceededException({ message: 'slow down', ...meta }),
      new RequestLimitExceeded({ message: 'account limit', ...meta }),
      new ThrottlingException({ message: 'throttled', ...meta }),
      new InternalServerError({ message: 'oops', ...meta }),
      Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }),
      Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }),
      Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      new TransactionCanceledException({ message: 'cancelled', ...meta, CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }] }),
    ];
    for (const err of transient) {
      expect(isTransientStoreFailure(err), err.name).toBe(true);
      const mapped = storeError(err);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as StoreUnavailableError).kind).toBe('unavailable');
    }
  });

  it('are never a failed condition, a missing table, a domain error or a plain bug', () => {
    const lasting = [
      new ConditionalCheckFailedException({ message: 'condition', ...meta }),
      new ResourceNotFoundException({ message: 'no table', ...meta }),
      new TransactionCanceledException({ message: 'cancelled', ...meta, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'ThrottlingError' }] }),
      new TransactionCanceledException({ message: 'cancelled', ...meta, CancellationReasons: [{ Code: 'TransactionConflict' }] }),
      new NotFoundError('user `x` not found'),
      new TypeError('undefined is not a function'),
    ];
    for (const err of lasting) {
      expect(isTransientStoreFailure(err), err.name).toBe(false);
      expect(storeError(err)).toBe(err);
    }
  });
});
