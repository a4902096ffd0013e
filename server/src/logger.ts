import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs (pino: fast, structured, the Node standard); `silent` in tests unless LOG_LEVEL says otherwise. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'support-chat' } });
}

/**
 * A warning for something that fails on every turn of a poll while a service is away: logged at
 * most once per `intervalMs`, with how many failures it stands for (an outage of an hour is one
 * line a minute, not one every second from each poller).
 */
export function rareWarning(logger: Logger, message: string, intervalMs = 60_000): (error: unknown) => void {
  let last = -Infinity;
  let held = 0;
  return (error) => {
    const now = Date.now();
    if (now - last < intervalMs) return void held++;
    // No `err` when there is none to tell (a refusal, not a failure): `"err":null` read as a bug.
    logger.warn({ ...(error == null ? {} : { err: error }), ...(held > 0 ? { failuresSinceLastWarning: held } : {}) }, message);
    last = now;
    held = 0;
  };
}
