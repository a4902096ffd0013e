import type { Ack, AckResult } from '@support-chat/shared';
import type { ZodType } from 'zod';
import { failure } from '../errors.js';
import type { Logger } from '../logger.js';

export interface HandlerContext {
  logger: Logger;
  /** Throws `rate_limited` when this socket sends too much. */
  checkRate: () => Promise<void>;
  /**
   * Runs the socket's commands one after another, in the order they arrived (`inOrder()`), where
   * order matters: two messages sent back to back must be stored in that order, though the
   * first may wait for its conversation to be created and synced while the second would not.
   */
  sequence?: Sequence;
}

export type Sequence = <T>(run: () => Promise<T>) => Promise<T>;

/** A queue of one: each task starts when the previous one has settled. */
export function inOrder(): Sequence {
  let tail: Promise<unknown> = Promise.resolve();
  return (run) => {
    const result = tail.then(run, run);
    tail = result.catch(() => undefined);
    return result;
  };
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
    const execute = async () => {
      await context.checkRate();
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) throw parsed.error;
      return run(parsed.data);
    };
    try {
      reply({ ok: true, data: await (context.sequence ? context.sequence(execute) : execute()) });
    } catch (error) {
      const result = failure(error);
      if (result.error.code === 'internal') context.logger.error({ err: error }, 'socket command failed');
      // The operator must hear of a full disk or a lost database (the cause says which).
      if (result.error.code === 'store_unavailable') context.logger.warn({ err: error }, 'socket command failed: the store is unavailable');
      reply(result);
    }
  };
}
