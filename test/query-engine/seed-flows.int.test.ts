import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRecords } from '../support/services.ts';
import { asBiTool, asEdixon, engineFixture, type EngineFixture } from './support.ts';

let f: EngineFixture;
beforeAll(async () => {
  f = await engineFixture();
});
afterAll(() => f?.close());

const verbose = '\\set VERBOSITY verbose\n';
const rows = (stdout: string) => stdout.split('\n').filter((l) => l && !/^(SET|CALL|IMPERSONATE|RESET)$/.test(l));

describe('seed 000: SET warden.impersonation_… over psql', () => {
  it('impersonates jdoe (iamid, userid): HR sees every SSN in the clear, SHOW and current_setting name her', async () => {
    const r = await asEdixon(f, `SET warden.impersonation_iamid = 'okta';
SET warden.impersonation_userid = 'jdoe';
SELECT id, ssn FROM hr.employees ORDER BY id LIMIT 2;
SHOW warden.impersonation_userid;
SELECT current_setting('warden.impersonation_userid'), current_user, session_user;
`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout)).toEqual(['1|123-45-6789', '2|234-56-7890', 'jdoe', 'jdoe|jdoe|bim/edixon@example.com']);
  });

  it('applies the userid template, and the user sees only its sales regions', async () => {
    const r = await asEdixon(f, `SET warden.impersonation_iamid = 'okta';
SET warden.impersonation_userid_template = '{userid}@example.com';
SET warden.impersonation_userid = 'smwilliams';
SHOW warden.impersonation_userid;
SELECT DISTINCT region FROM crm.orders ORDER BY region;
SELECT count(*) FROM crm.orders;
`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout)).toEqual(['smwilliams@example.com', 'Michigan', 'Ohio', '15']);
  });

  it('refuses to switch to another user on the same connection', async () => {
    const r = await asEdixon(f, `${verbose}SET warden.impersonation_iamid = 'okta';\nSET warden.impersonation_userid = 'jdoe';\nSET warden.impersonation_userid = 'bob';\n`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('55000');
    expect(r.stderr).toContain('already impersonates `jdoe`');
  });

  it('a data source the user may not query is refused with 42501, its name and Warden\'s explanation, and audited', async () => {
    const r = await asEdixon(f, `${verbose}SET warden.impersonation_iamid = 'okta';\nSET warden.impersonation_userid = 'steve';\nSELECT * FROM hr.employees;\n`);
    expect(r.stderr).toMatch(/ERROR: {2}42501: permission denied for data source `hr_data`/);
    expect(r.stderr).toMatch(/DETAIL: {2}.+/);
    const denied = (await auditRecords(f.services)).filter((a) => a.action === 'QUERY' && a.actionStatus === 'UNAUTHORIZED').at(-1);
    expect(denied).toMatchObject({ userId: 'okta/steve', payload: { impersonationUser: 'bim/edixon@example.com', queryText: 'SELECT * FROM hr.employees', dataSources: [{ id: 'hr_data', access: 'denied' }] } });
  });

  it('closing the connection ends its impersonation session (audited)', async () => {
    await asEdixon(f, "SET warden.impersonation_iamid = 'okta';\nSET warden.impersonation_userid = 'bob';\nSELECT 1;\n");
    await expect.poll(async () => (await auditRecords(f.services)).filter((a) => a.targetType === 'impersonationSession' && (a.payload as { event?: string }).event === 'end').length).toBeGreaterThan(0);
  });
});

describe('seed 001: CALL warden.impersonate_user(…)', () => {
  it('bi-tool impersonates bob: SSN hashed, predicates see the masked value, every order (Executives); NULL ends it for good', async () => {
    const r = await asBiTool(f, `CALL warden.impersonate_user('bob');
SELECT ssn = '123-45-6789', length(ssn) FROM hr.employees WHERE id = 1;
SELECT count(*) FROM hr.employees WHERE ssn = '123-45-6789';
SELECT count(*) FROM crm.orders;
CALL warden.impersonate_user(NULL);
SHOW warden.impersonation_userid;
SELECT current_user;
`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout)).toEqual(['f|64', '0', '24', 'bi-tool']);
    const again = await asBiTool(f, `${verbose}CALL warden.impersonate_user('bob');\nCALL warden.impersonate_user(NULL);\nCALL warden.impersonate_user('jdoe');\n`);
    expect(again.stderr).toContain('cannot impersonate again');
  });

  it('the login principal\'s own access is not the impersonated user\'s: a service reads no data source itself', async () => {
    const r = await asBiTool(f, `${verbose}SELECT count(*) FROM crm.orders;\n`);
    expect(r.stderr).toContain('42501');
    expect(r.stderr).toContain('service principal `bi-tool` reads data sources only while impersonating a user');
  });

  it('each query is audited like a Databricks record: user, impersonationUser, sources, masked columns, row-filtered sources', async () => {
    await asBiTool(f, "CALL warden.impersonate_user('smwilliams@example.com');\nSELECT c.email, o.amount FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id;\n");
    const record = (await auditRecords(f.services)).filter((a) => a.action === 'QUERY' && a.userId === 'okta/smwilliams@example.com').at(-1);
    expect(record).toMatchObject({
      actionStatus: 'SUCCESS',
      targets: ['orders', 'customers'],
      payload: {
        impersonationUser: 'service:bi-tool',
        success: true,
        maskedColumns: { customers: ['email'] },
        rowFilteredSources: ['orders'],
        queryText: 'SELECT c.email, o.amount FROM crm.orders o JOIN crm.customers c ON c.id = o.customer_id',
      },
    });
  });
});

describe('seed 002: IMPERSONATE "user" and user-context functions', () => {
  const canner = `SELECT name, (CASE WHEN has_group('HR') THEN address ELSE '***' END) AS address FROM crm.customers ORDER BY id LIMIT 2;
SELECT list_groups(), has_attr('Country'), get_attr('Country'), has_attribute('nope'), get_attribute('nope') IS NULL, list_attrs() @> ARRAY['Country'];
`;

  it('as bob (not HR) the address is masked by the query itself', async () => {
    const r = await asBiTool(f, `IMPERSONATE "bob";\n${canner}`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout)).toEqual(['Acme Corp|***', 'Globex|***', '{Executives,Legal}|t|US|f|t|t']);
  });

  it('as jdoe (HR) the address is shown', async () => {
    const r = await asEdixon(f, `IMPERSONATE "jdoe";\n${canner}`);
    expect(r.stderr).toBe('');
    expect(rows(r.stdout)).toEqual(['Acme Corp|1 Main St, Columbus', 'Globex|42 Lake Rd, Detroit', '{HR,Legal}|t|France|f|t|t']);
  });
});
