import { describe, expect, it } from 'vitest';
import { InvalidFilterError, ScimError, scimErrorBody } from '#functions/scim/rfc/errors.ts';

describe('scimErrorBody', () => {
  it('renders status as a string and omits a missing scimType', () => {
    expect(scimErrorBody(new InvalidFilterError('bad'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'bad',
    });
    expect(scimErrorBody(new ScimError(404, 'user `x` not found'))).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'user `x` not found',
    });
  });
});
