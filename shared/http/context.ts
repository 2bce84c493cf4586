import type { Caller } from '#shared/auth/caller.ts';
import type { Logger } from '#shared/log/logger.ts';

/** Hono environment of every Warden app. */
export interface AppEnv {
  Variables: {
    caller: Caller;
    requestId: string;
    log: Logger;
    /** The IAM of a user named without one (`WARDEN_DEFAULT_IAM`), for routes' self rules. */
    defaultIam: string;
    /** Every success answer is checked against its route's declared schema (`WARDEN_CHECK_REPLIES`, on outside AWS). */
    checkReplies: boolean;
  };
}
