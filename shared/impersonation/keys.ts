/**
 * Item keys of the sessions table (access patterns in `#shared/store/tables.ts`). A session is
 * named by its impersonator's label and its id: the same id from two impersonators is two sessions.
 */
export const sessionKeys = {
  sessionsOf: (impersonator: string) => `SESSIONS#${impersonator}`,
  sessionPrefix: 'SESSION#',
  session: (impersonator: string, sessionId: string) => ({ pk: `SESSIONS#${impersonator}`, sk: `SESSION#${sessionId}` }),
  /** Left by an ended session until its last token expires: its tokens are revoked, not merely unknown. */
  ended: (impersonator: string, sessionId: string) => ({ pk: `SESSIONS#${impersonator}`, sk: `ENDED#${sessionId}` }),
  /** gsi1 of a session item: by target user, then impersonator and id. */
  target: (iamid: string, userid: string) => `SESSIONTARGET#${iamid}#${userid}`,
  targetSort: (impersonator: string, sessionId: string) => `${impersonator}#${sessionId}`,
  settings: { pk: 'SETTINGS', sk: 'IMPERSONATION' },
  signingKeysPk: 'SIGNINGKEYS',
  signingKey: (kid: string) => ({ pk: 'SIGNINGKEYS', sk: `KEY#${kid}` }),
  currentSigningKey: { pk: 'SIGNINGKEYS', sk: 'CURRENT' },
} as const;
