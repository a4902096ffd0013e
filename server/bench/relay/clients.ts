/**
 * The bench's clients, the same for the product and the raw relay: Socket.IO sockets on the
 * product's namespaces and events (shared/src/events.ts), and the pairs of one visitor and one
 * agent the chat runs drive. Setting a pair up follows the target's protocol: the product's
 * agents log in and claim and watch the visitor's conversation; the raw relay pairs by an id.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  AckResult,
  AgentClientEvents,
  AgentServerEvents,
  ChatMessage,
  VisitorClientEvents,
  VisitorServerEvents,
} from '@support-chat/shared';
import { HTTP_ROUTES, NAMESPACES, SESSION_COOKIE } from '@support-chat/shared';
import { BENCH_PASSWORD, benchAgentEmail } from './bench-accounts.js';
import { skippingParser } from './client-parser.js';
import { inBatches } from './in-batches.js';
import type { Target } from './servers.js';

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export interface Pair {
  visitor: VisitorSocket;
  agent: AgentSocket;
  conversationId: string;
}

const ACK_MS = 15_000;

/** Every agent's inbox updates and teammates' presence: sent to all agents, read by none here. */
const agentParser = skippingParser(NAMESPACES.agent, ['conversation:updated', 'inbox:patched', 'presence:changed']);
export const skippedAgentFrames = () => agentParser.counter.skipped;

const options = { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 };

/** Sockets the server (or a ping timeout) dropped, by namespace and reason: a dropped socket receives nothing more. */
const drops = new Map<string, number>();
export const droppedSockets = (): Record<string, number> => Object.fromEntries(drops);

function watchDrops<S extends Socket>(socket: S, namespace: string): S {
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    const key = `${namespace} ${reason}`;
    drops.set(key, (drops.get(key) ?? 0) + 1);
  });
  return socket;
}

export function connectVisitor(target: Target, auth: Record<string, string> = {}): VisitorSocket {
  return watchDrops(io(`${target.visitorUrl}${NAMESPACES.visitor}`, { ...options, auth }), NAMESPACES.visitor);
}

export function connectAgent(target: Target, { cookie, auth = {} }: { cookie?: string; auth?: Record<string, string> }): AgentSocket {
  const socket: AgentSocket = io(`${target.agentUrl}${NAMESPACES.agent}`, {
    ...options,
    auth,
    extraHeaders: cookie ? { cookie } : undefined,
    parser: agentParser.parser,
  });
  return watchDrops(socket, NAMESPACES.agent);
}

export function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Unwraps a successful ack, or throws with its code; rejects when no ack came within `timeoutMs`. */
export async function data<T>(pending: Promise<AckResult<T>>, timeoutMs = ACK_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ack within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const result = await Promise.race([pending, timeout]);
    if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
    return result.data;
  } finally {
    clearTimeout(timer);
  }
}

/** The next `message:created` on `socket` that `predicate` accepts. */
export function nextMessage(socket: VisitorSocket | AgentSocket, predicate: (m: ChatMessage) => boolean, timeoutMs = ACK_MS): Promise<ChatMessage> {
  const s = socket as Socket<{ 'message:created': (m: ChatMessage) => void }>;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off('message:created', listener);
      reject(new Error('timed out waiting for message:created'));
    }, timeoutMs);
    const listener = (message: ChatMessage) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      s.off('message:created', listener);
      resolve(message);
    };
    s.on('message:created', listener);
  });
}

export const clientId = () => randomUUID().replaceAll('-', '');

/** Logs a product agent in over HTTP; returns the session cookie. */
export async function login(target: Target, email: string): Promise<string> {
  const response = await fetch(`${target.agentUrl}${HTTP_ROUTES.login}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  if (response.status !== 200 || !cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error(`login of ${email} failed: ${response.status}`);
  return cookie;
}

/**
 * Product: agent sockets log in and connect; then each pair's new visitor asks `question` (the AI
 * answers it) and the pair's agent claims and watches the conversation, so from now on the
 * visitor's messages reach that agent and the AI stays silent.
 */
async function productPairs(target: Target, count: number, agents: number, questions: readonly string[]): Promise<Pair[]> {
  const sockets = await inBatches(agents, 8, async (index) => {
    const agent = connectAgent(target, { cookie: await login(target, benchAgentEmail(index)) });
    await connected(agent);
    return agent;
  });
  return inBatches(count, 8, async (index) => {
    const agent = sockets[index % agents]!;
    const visitor = connectVisitor(target);
    await connected(visitor);
    const answered = nextMessage(visitor, (m) => m.author === 'ai');
    const { message } = await data(visitor.emitWithAck('message:send', { clientId: clientId(), text: questions[index % questions.length]! }));
    await answered;
    const { conversationId } = message;
    await data(agent.emitWithAck('conversation:claim', { conversationId }));
    await data(agent.emitWithAck('conversation:watch', { conversationId, afterSeq: message.seq }));
    return { visitor, agent, conversationId };
  });
}

/** Raw: an agent socket names the pairs it serves in its handshake, a visitor its one pair. */
async function rawPairs(target: Target, count: number, agents: number): Promise<Pair[]> {
  const pairId = (index: number) => `pair-${index}`;
  const sockets = await inBatches(agents, 8, async (a) => {
    const served = Array.from({ length: count }, (_, i) => i).filter((i) => i % agents === a);
    const agent = connectAgent(target, { auth: { pair: served.map(pairId).join(',') } });
    await connected(agent);
    return agent;
  });
  return inBatches(count, 8, async (index) => {
    const visitor = connectVisitor(target, { pair: pairId(index) });
    await connected(visitor);
    return { visitor, agent: sockets[index % agents]!, conversationId: pairId(index) };
  });
}

/** `count` visitor ⇄ agent pairs served by `agents` agent sockets (pair i by agent i mod agents). */
export function setupPairs(target: Target, { count, agents, questions }: { count: number; agents: number; questions: readonly string[] }): Promise<Pair[]> {
  const sockets = Math.min(agents, count);
  return target.name === 'product' ? productPairs(target, count, sockets, questions) : rawPairs(target, count, sockets);
}

export function disconnectPairs(pairs: readonly Pair[]): void {
  for (const socket of new Set(pairs.flatMap((p) => [p.visitor, p.agent]))) socket.disconnect();
}
