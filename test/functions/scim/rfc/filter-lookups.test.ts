import { describe, expect, it } from 'vitest';
import { parseFilter } from '#functions/scim/rfc/filter.ts';
import { indexableEquality } from '#functions/scim/rfc/filter-lookups.ts';

describe('indexableEquality', () => {
  it.each([
    ['userName eq "Alice"', { attr: 'userName', value: 'Alice' }],
    ['USERNAME eq "Alice"', { attr: 'userName', value: 'Alice' }],
    ['externalId eq "e1" and active eq true', { attr: 'externalId', value: 'e1' }],
    ['displayName eq "Finance"', { attr: 'displayName', value: 'Finance' }],
    ['displayName eq "x" and (id eq "i1" and title pr)', { attr: 'id', value: 'i1' }],
    ['userName eq "a" or userName eq "b"', undefined],
    ['not (userName eq "a")', undefined],
    ['userName sw "a"', undefined],
    ['title eq "a"', undefined],
    ['emails[value eq "a"]', undefined],
  ])('%s', (filter, expected) => {
    expect(indexableEquality(parseFilter(filter))).toEqual(expected);
  });
});
