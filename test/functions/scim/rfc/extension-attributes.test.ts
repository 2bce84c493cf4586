import { describe, expect, it } from 'vitest';
import { extensionAttributes } from '#functions/scim/rfc/extension-attributes.ts';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CUSTOM = 'urn:ietf:params:scim:schemas:extension:Acme:2.0:User';

describe('extensionAttributes', () => {
  const user = {
    userName: 'a',
    title: 'CFO',
    [ENT]: { department: 'Finance', costCenter: 'CC1', manager: { value: 'u-boss', displayName: 'Boss' } },
    [CUSTOM]: { clearance: ['secret', 'internal'], level: 3 },
    'urn:example:other:2.0:Group': { ignored: 'x' },
  };

  it('maps every extension attribute by name by default', () => {
    expect(extensionAttributes(user)).toEqual({
      department: ['Finance'],
      costCenter: ['CC1'],
      manager: ['u-boss'],
      clearance: ['secret', 'internal'],
      level: ['3'],
    });
  });

  it('maps only the configured paths under their new names', () => {
    expect(
      extensionAttributes(user, [
        { from: `${ENT}:department`, to: 'Department' },
        { from: `${ENT}:manager.value`, to: 'Manager' },
        { from: 'title', to: 'Titles' },
        { from: `${CUSTOM}:missing`, to: 'Missing' },
      ]),
    ).toEqual({ Department: ['Finance'], Manager: ['u-boss'], Titles: ['CFO'] });
  });
});
