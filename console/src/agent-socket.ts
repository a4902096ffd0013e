/**
 * The typed `/agent` socket and one way to send it a command: emit, wait for the ack, and turn a
 * timeout or a dropped socket into an error result like any other.
 */
import { io, type Socket } from 'socket.io-client';
import { NAMESPACES, type AckResult, type AgentClientEvents, type AgentServerEvents } from '@support-chat/shared';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/** What a command's ack carries on success. */
export type AckData<E extends keyof AgentClientEvents> =
  Parameters<AgentClientEvents[E]>[1] extends ((result: AckResult<infer T>) => void) | undefined ? T : never;

export type CommandPayload<E extends keyof AgentClientEvents> = Parameters<AgentClientEvents[E]>[0];

/** Same origin as the console; the session cookie authenticates the handshake. */
export function createAgentSocket(): AgentSocket {
  return io(NAMESPACES.agent, { withCredentials: true, autoConnect: false });
}

export async function sendCommand<E extends keyof AgentClientEvents>(
  socket: AgentSocket,
  timeoutMs: number,
  event: E,
  payload: CommandPayload<E>,
): Promise<AckResult<AckData<E>>> {
  const timed = socket.timeout(timeoutMs);
  // socket.io's emitWithAck cannot be called with a generic event name; the event map above
  // still types both the payload and the result.
  const emit = timed.emitWithAck as unknown as (ev: E, p: typeof payload) => Promise<AckResult<AckData<E>>>;
  try {
    return await emit.call(timed, event, payload);
  } catch (cause) {
    // After stop() every pending ack fails by design: nobody is waiting for those any more.
    if (socket.active) console.warn(`[support-console] ${event} got no answer`, cause);
    return { ok: false, error: { code: 'unavailable', message: 'The server did not answer in time.' } };
  }
}
