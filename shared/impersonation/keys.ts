/** Item keys of the sessions table (access patterns in `#shared/store/tables.ts`). */
export const sessionKeys = {
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'META' }),
  revoked: (id: string) => ({ pk: `REVOKED#${id}`, sk: 'MARKER' }),
  settings: { pk: 'SETTINGS', sk: 'IMPERSONATION' },
  signingKeysPk: 'SIGNINGKEYS',
  signingKey: (kid: string) => ({ pk: 'SIGNINGKEYS', sk: `KEY#${kid}` }),
  currentSigningKey: { pk: 'SIGNINGKEYS', sk: 'CURRENT' },
} as const;
