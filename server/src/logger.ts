import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs (pino: fast, structured, the Node standard); `silent` in tests unless LOG_LEVEL says otherwise. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'support-chat' } });
}
