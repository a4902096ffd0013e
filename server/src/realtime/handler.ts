import type { Ack, AckResult } from '@support-chat/shared';
import type { ZodType } from 'zod';
import { ChatError, failure } from '../errors.js';
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
 * Socket.IO passes a command its arguments with the client's ack last, when it sent one: a
 * client that emits only an ack (`emit('team:list', ack)`) or extra arguments before it must
 * still be answered (issue 11's fuzzing), so the ack is whatever function comes last.
 */
function splitArguments(args: unknown[]): { payload: unknown; extra: number; ack?: Ack<never> } {
  const last = args.at(-1);
  const ack = typeof last === 'function' ? (last as Ack<never>) : undefined;
  const rest = ack ? args.slice(0, -1) : args;
  return { payload: rest[0], extra: Math.max(0, rest.length - 1), ack };
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
  return async (...args: unknown[]): Promise<void> => {
    const { payload, extra, ack } = splitArguments(args);
    const reply = (result: AckResult<Output>) => {
      if (ack) (ack as Ack<Output>)(result);
    };
    const execute = async () => {
      await context.checkRate();
      if (extra > 0) throw new ChatError('invalid_payload', 'Send one payload object, then the ack.');
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

/** The part of a server socket `refuseUnknownEvents` needs (either namespace's). */
export interface AnyEventSocket {
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  listeners(event: string): unknown[];
}

/**
 * Answers an event no handler takes (a typo, the other namespace's command) with `not_found`
 * when the client waits for an ack, instead of leaving it to time out; it costs the sender's
 * rate budget like any command.
 */
export function refuseUnknownEvents(socket: AnyEventSocket, context: HandlerContext): void {
  socket.onAny((event, ...args) => {
    if (typeof event === 'string' && socket.listeners(event).length > 0) return;
    const { ack } = splitArguments(args);
    if (!ack) return;
    const name = String(event).slice(0, 64);
    context
      .checkRate()
      .then(() => {
        throw new ChatError('not_found', `There is no event "${name}" here.`);
      })
      .catch((error: unknown) => ack(failure(error) as never));
  });
}
