import type { Caller } from '#shared/auth/caller.ts';
import type { Logger } from '#shared/log/logger.ts';

/** Hono environment of every Warden app. */
export interface AppEnv {
  Variables: {
    caller: Caller;
    requestId: string;
    log: Logger;
    /** Outside AWS every success answer is checked against its route's declared schema. */
    checkReplies: boolean;
  };
}
