import { describe, expect, it } from 'vitest';
import { AuthenticationError, PermissionError } from '#shared/auth/errors.ts';
import { UnknownDataSourceError, UnknownUserError } from '#shared/decision-service/errors.ts';
import {
  ImpersonationNotAllowedError,
  InvalidSettingError,
  InvalidTargetError,
  SessionConflictError,
  SessionNotFoundError,
  TargetNotFoundError,
} from '#shared/impersonation/errors.ts';
import { DomainError, type ErrorKind } from '#shared/model/errors.ts';
import { PolicyValidationError } from '#shared/policy/errors.ts';
import { InvalidCursorError } from '#shared/store/cursor.ts';
import { ConflictError, MemberNotFoundError, NotFoundError, StoreUnavailableError, VersionMismatchError } from '#shared/store/errors.ts';
import { NoExternalSourceError } from '#shared/userinfo/errors.ts';

/** One of each named error, by the kind it declares. */
const byKind: Readonly<Record<ErrorKind, readonly DomainError[]>> = {
  invalid: [new InvalidTargetError('m'), new InvalidSettingError('m'), new PolicyValidationError('m'), new InvalidCursorError()],
  unauthenticated: [new AuthenticationError('m')],
  forbidden: [new PermissionError('m'), new ImpersonationNotAllowedError('m')],
  'not-found': [new TargetNotFoundError('i', 'u'), new SessionNotFoundError('s'), new NotFoundError('m'), new MemberNotFoundError('m'), new UnknownUserError('i', 'u'), new UnknownDataSourceError(['d'])],
  conflict: [new SessionConflictError('m'), new ConflictError('m'), new VersionMismatchError('m'), new NoExternalSourceError('i')],
  precondition: [],
  unavailable: [new StoreUnavailableError('m')],
};
const every = Object.values(byKind).flat();

describe('the named domain errors', () => {
  it.each(Object.entries(byKind))('of kind %s are domain errors of that kind', (kind, errors) => {
    for (const error of errors) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error.kind, error.name).toBe(kind);
    }
  });

  it('each carry the name of its class (spelled out for minified bundles) in a stack trace and `String(err)`', () => {
    for (const error of every) {
      expect(error.name).toBe(error.constructor.name);
      expect(String(error)).toBe(`${error.constructor.name}: ${error.message}`);
    }
  });

  it('take the message, or build it from what they are about', () => {
    const built = [
      [new TargetNotFoundError('okta', 'bob'), 'user `bob` not found in iam `okta`'],
      [new UnknownUserError('okta', 'bob'), 'user `bob` not found in iam `okta`'],
      [new SessionNotFoundError('s1'), 'impersonation session `s1` not found'],
      [new UnknownDataSourceError(['a', 'b']), 'data source `a`, `b` not found'],
      [new NoExternalSourceError('okta'), 'iam `okta` has no external source'],
      [new InvalidCursorError(), 'invalid cursor'],
    ] as const;
    for (const [error, message] of built) expect(error.message, error.name).toBe(message);
    expect(new ConflictError('user `bob` exists').message).toBe('user `bob` exists');
  });

  it('keep the not-found subclasses not-founds, so every not-found path answers them', () => {
    for (const error of [new MemberNotFoundError('m'), new UnknownUserError('i', 'u'), new UnknownDataSourceError(['d'])]) expect(error).toBeInstanceOf(NotFoundError);
  });

  it('mark only a lost conditional write as a lost race', () => {
    expect(every.filter((error) => error.lostRace).map((error) => error.name)).toEqual(['VersionMismatchError']);
  });
});
