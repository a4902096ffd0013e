import type { Ack, AckResult } from '@support-chat/shared';
import type { ZodType } from 'zod';
import { failure } from '../errors.js';
import type { Logger } from '../logger.js';

export interface HandlerContext {
  logger: Logger;
  /** Throws `rate_limited` when this socket sends too much. */
  checkRate: () => Promise<void>;
}

/**
 * Wraps a socket command: rate-limit, validate the payload with its schema, run, ack. Every
 * failure is acked with a code; nothing is thrown into Socket.IO (which would drop it silently).
 * A client that sent no ack callback still gets its command run (typing, fire-and-forget).
 */
export function command<Input, Output>(
  context: HandlerContext,
  schema: ZodType<Input>,
  run: (input: Input) => Promise<Output>,
) {
  return async (payload: unknown, ack?: Ack<Output>): Promise<void> => {
    const reply = (result: AckResult<Output>) => {
      if (typeof ack === 'function') ack(result);
    };
    try {
      await context.checkRate();
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) throw parsed.error;
      reply({ ok: true, data: await run(parsed.data) });
    } catch (error) {
      const result = failure(error);
      if (result.error.code === 'internal') context.logger.error({ err: error }, 'socket command failed');
      reply(result);
    }
  };
}
