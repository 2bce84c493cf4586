import type { Caller } from '#shared/auth/caller.ts';
import type { Logger } from '#shared/log/logger.ts';

/** Hono environment of every Warden app. */
export interface AppEnv {
  Variables: {
    caller: Caller;
    requestId: string;
    log: Logger;
  };
}
