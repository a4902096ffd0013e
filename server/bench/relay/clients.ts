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
import type { Target } from './servers.js';

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

export interface Pair {
  visitor: VisitorSocket;
  agent: AgentSocket;
  conversationId: string;
}

const ACK_MS = 15_000;

/** Every agent's inbox update and teammates' presence: sent to all agents, read by none here. */
const agentParser = skippingParser(NAMESPACES.agent, ['conversation:updated', 'presence:changed']);
export const skippedAgentFrames = () => agentParser.counter.skipped;

const options = { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 30_000 };

export function connectVisitor(target: Target, auth: Record<string, string> = {}): VisitorSocket {
  return io(`${target.visitorUrl}${NAMESPACES.visitor}`, { ...options, auth });
}

export function connectAgent(target: Target, { cookie, auth = {} }: { cookie?: string; auth?: Record<string, string> }): AgentSocket {
  return io(`${target.agentUrl}${NAMESPACES.agent}`, {
    ...options,
    auth,
    extraHeaders: cookie ? { cookie } : undefined,
    parser: agentParser.parser,
  });
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

/** Runs `task` for 0..count-1, at most `concurrency` at a time, results in order. */
export async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/**
 * Product: agent `index` logs in and connects; a new visitor asks `question` (the AI answers it);
 * the agent claims and watches the conversation, so from now on the visitor's messages reach
 * this agent and the AI stays silent.
 */
async function productPair(target: Target, index: number, question: string): Promise<Pair> {
  const agent = connectAgent(target, { cookie: await login(target, benchAgentEmail(index)) });
  const visitor = connectVisitor(target);
  await Promise.all([connected(agent), connected(visitor)]);
  const answered = nextMessage(visitor, (m) => m.author === 'ai');
  const { message } = await data(visitor.emitWithAck('message:send', { clientId: clientId(), text: question }));
  await answered;
  const { conversationId } = message;
  await data(agent.emitWithAck('conversation:claim', { conversationId }));
  await data(agent.emitWithAck('conversation:watch', { conversationId, afterSeq: message.seq }));
  return { visitor, agent, conversationId };
}

async function rawPair(target: Target, index: number): Promise<Pair> {
  const pair = `pair-${index}`;
  const agent = connectAgent(target, { auth: { pair } });
  const visitor = connectVisitor(target, { pair });
  await Promise.all([connected(agent), connected(visitor)]);
  return { visitor, agent, conversationId: pair };
}

export function setupPairs(target: Target, count: number, questions: readonly string[]): Promise<Pair[]> {
  return inBatches(count, 8, (index) =>
    target.name === 'product' ? productPair(target, index, questions[index % questions.length]!) : rawPair(target, index),
  );
}

export function disconnectPairs(pairs: readonly Pair[]): void {
  for (const { visitor, agent } of pairs) {
    visitor.disconnect();
    agent.disconnect();
  }
}
