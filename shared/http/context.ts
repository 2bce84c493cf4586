import type { Caller } from '#shared/auth/caller.ts';
import type { Logger } from './logger.ts';

/** Hono environment of every Warden app. */
export interface AppEnv {
  Variables: {
    caller: Caller;
    requestId: string;
    log: Logger;
  };
}
