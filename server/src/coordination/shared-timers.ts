import type { Timers } from './types.js';

/**
 * Several features on one `Timers` port: its `start` takes one handler (the Redis poller starts
 * once), so each feature's `start` adds its handler here, and every due key goes to all of them.
 * Each handler answers only to its own keys' prefix (`grace:`, `mail:`).
 */
export function shareTimers(timers: Timers): Timers {
  const handlers: ((key: string) => Promise<void>)[] = [];
  return {
    set: (key, delayMs, options) => timers.set(key, delayMs, options),
    cancel: (key) => timers.cancel(key),
    start(handler) {
      handlers.push(handler);
      if (handlers.length === 1) timers.start(async (key) => void (await Promise.all(handlers.map((h) => h(key)))));
    },
    close: () => timers.close(),
  };
}
