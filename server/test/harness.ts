/**
 * A real server on a random port with real Socket.IO clients, for integration tests. Uses the
 * real offline responder over the demo knowledge base unless a test passes its own responder.
 */
import { chooseDrafter } from '../src/responders.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type {
  AckResult,
  ChatMessage,
  AgentClientEvents,
  AgentServerEvents,
  RoutingSettings,
  VisitorClientEvents,
  VisitorServerEvents,
} from '@support-chat/shared';
import { SESSION_COOKIE } from '@support-chat/shared';
import { createServer, type ServerDeps, type SupportChatServer } from '../src/app.js';
import { createOfflineResponder } from '../src/ai/offline-responder.js';
import type { Responder, Summarizer } from '../src/ai/types.js';
import { createAgent } from '../src/auth/agents.js';
import type { Clock } from '../src/conversations/service.js';
import type { Config } from '../src/config.js';
import { createKnowledgeIndex } from '../src/knowledge/bm25-index.js';
import { loadKnowledgeDir } from '../src/knowledge/markdown-source.js';
import type { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import type { KnowledgeEntry } from '../src/knowledge/types.js';
import { DEFAULT_LIMITS, type FloodLimits } from '../src/limits.js';
import { createLogger, type Logger } from '../src/logger.js';
import type { RateLimits } from '../src/realtime/rate-limits.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';

export { REPO_ROOT } from './server-process.js';
import { REPO_ROOT } from './server-process.js';
export const DEMO_KNOWLEDGE_DIR = path.join(REPO_ROOT, 'examples', 'knowledge');

/** The server secret test servers sign with (visitor tokens, device cookies). */
export const TEST_SECRET = 'test-secret-'.padEnd(40, 'x');

export type VisitorClient = Socket<VisitorServerEvents, VisitorClientEvents>;
export type AgentClient = Socket<AgentServerEvents, AgentClientEvents>;

export async function demoKnowledge(): Promise<KnowledgeEntry[]> {
  return (await loadKnowledgeDir(DEMO_KNOWLEDGE_DIR)).entries;
}

export async function demoOfflineResponder(entries?: KnowledgeEntry[]): Promise<Responder> {
  return createOfflineResponder({ retriever: createKnowledgeIndex(entries ?? (await demoKnowledge())) });
}

export interface TestServer {
  url: string;
  server: SupportChatServer;
  store: Store;
  /** Creates an agent and logs in over HTTP; returns the session cookie header. */
  loginAgent(name: string, role?: 'admin' | 'agent', capacity?: number): Promise<string>;
  visitor(token?: string): VisitorClient;
  /** A visitor who presents the site's signed user token (identity verification). */
  visitorAs(user: string, token?: string): VisitorClient;
  agent(cookie: string): AgentClient;
  close(): Promise<void>;
}

export async function startTestServer(
  options: {
    responder?: Responder;
    store?: Store;
    limits?: RateLimits;
    /** Routing settings saved before the server starts (the rest are the defaults). */
    routing?: Partial<RoutingSettings>;
    clock?: Clock;
    summarizer?: Summarizer;
    /** Express's `trust proxy` (TRUST_PROXY). */
    trustProxy?: false | number | string[];
    /** IDENTITY_SECRET: verifies the site's signed users. */
    identitySecret?: string;
    /** The flood and login limits (LIMIT_* variables), when `limits` is not given. */
    floodLimits?: Partial<FloodLimits>;
    /** ALLOWED_ORIGINS: the sites whose pages may open the widget's socket (default `*`). */
    allowedOrigins?: '*' | string[];
    /** Session lifetime and how often open sockets re-check theirs (tests make them short). */
    sessions?: { ttlMs?: number; recheckMs?: number };
    /** Mounts the admin knowledge API (re-index) over this knowledge base. */
    knowledge?: KnowledgeBase;
    /** Webhook deliveries (WEBHOOK_* variables): tests allow loopback and retry quickly. */
    webhooks?: Partial<Config['webhooks']>;
    /** How often due webhook deliveries are looked for. */
    webhookPollMs?: number;
    /** When the events a stopped process never queued are looked for. */
    webhookCatchUp?: ServerDeps['webhookCatchUp'];
    /** Email: the transport and its settings (issue 13). */
    email?: ServerDeps['email'];
    /** Presence, leases and timers (default: in memory, one process). */
    coordination?: ServerDeps['coordination'];
    /** Attachments (ATTACHMENT_* variables); files go to a fresh temporary directory unless `dir` is given. */
    attachments?: Partial<Config['attachments']>;
    /** Where the server logs (default: silent, or LOG_LEVEL). */
    logger?: Logger;
  } = {},
): Promise<TestServer> {
  const store = options.store ?? SqliteStore.open(':memory:');
  if (options.routing) await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), ...options.routing });
  const entries = await demoKnowledge();
  const server = await createServer({
    config: {
      allowedOrigins: options.allowedOrigins ?? '*',
      widgetDistDir: path.join(REPO_ROOT, 'widget', 'dist'),
      consoleDistDir: path.join(REPO_ROOT, 'console', 'dist'),
      demoDir: path.join(REPO_ROOT, 'examples', 'demo'),
      secret: TEST_SECRET,
      trustProxy: options.trustProxy ?? false,
      identitySecret: options.identitySecret,
      limits: { ...DEFAULT_LIMITS, ...options.floodLimits },
      webhooks: { allowInternal: true, maxAttempts: 8, retryBaseMs: 60_000, timeoutMs: 10_000, keepDays: 30, ...options.webhooks },
      attachments: { dir: fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-')), ...options.attachments },
    },
    webhookPollMs: options.webhookPollMs,
    webhookCatchUp: options.webhookCatchUp,
    store,
    responder: options.responder ?? (await demoOfflineResponder(entries)),
    // As main.ts has it without a model: drafts from the same knowledge at their lower confidence.
    ...(options.responder ? {} : { drafter: chooseDrafter({ openai: undefined }, createKnowledgeIndex(entries), options.responder ?? (await demoOfflineResponder(entries))) }),
    helpArticles: () => entries,
    logger: options.logger ?? createLogger(process.env.LOG_LEVEL ?? 'silent'),
    limits: options.limits,
    clock: options.clock,
    summarizer: options.summarizer,
    sessions: options.sessions,
    knowledge: options.knowledge,
    email: options.email,
    coordination: options.coordination,
  });
  const { port } = await server.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];

  const track = <S extends Socket>(socket: S): S => {
    sockets.push(socket);
    return socket;
  };

  return {
    url,
    server,
    store,
    async loginAgent(name, role = 'agent', capacity) {
      const email = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
      await createAgent(store, { email, password: 'password-123', name, role, capacity });
      const response = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'password-123' }),
      });
      if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
      const cookie = response.headers.get('set-cookie')?.split(';')[0];
      if (!cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error('no session cookie');
      return cookie;
    },
    visitor: (token) =>
      track(io(`${url}/visitor`, { auth: token ? { token } : {}, transports: ['websocket'], forceNew: true, reconnection: false })),
    visitorAs: (user, token) =>
      track(io(`${url}/visitor`, { auth: { user, ...(token ? { token } : {}) }, transports: ['websocket'], forceNew: true, reconnection: false })),
    agent: (cookie) =>
      track(io(`${url}/agent`, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false })),
    async close() {
      for (const socket of sockets) socket.disconnect();
      await server.close();
      await store.close();
    },
  };
}

/** Resolves with the next event (matching `predicate`) or rejects after `timeoutMs`. */
export function nextEvent<T>(
  socket: Socket,
  event: string,
  predicate: (payload: T) => boolean = () => true,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** The stored copy of a message (with what only agents see, such as the AI's provenance). */
export async function stored(t: TestServer, message: ChatMessage): Promise<ChatMessage> {
  const found = (await t.store.listMessages(message.conversationId, { afterSeq: message.seq - 1, limit: 1, includeNotes: true }))[0];
  if (!found || found.id !== message.id) throw new Error(`message ${message.id} is not stored`);
  return found;
}

/** Unwraps a successful ack or throws with the error code, for readable tests. */
export function data<T>(result: AckResult<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}

export function connected(socket: Socket): Promise<void> {
  if (socket.connected) return Promise.resolve();
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}
