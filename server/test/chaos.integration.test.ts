/**
 * Chaos on loopback (issue 10): 21 visitors and 3 agents exchange numbered messages across three
 * built server processes while the test kill -9s and restarts nodes, restarts Redis once (a
 * redis-server of its own, nothing persisted, so everything in it is lost) and drops sockets at
 * random. Clients behave as the widget and console do: resend what was not acknowledged with the
 * same client id after reconnecting, and resume by seq. Bounded in count and time; prints counts.
 *
 * At the end every acknowledged message is stored once, in order, with contiguous seqs per
 * conversation (notes included), and every reader holds everything it may see; every visitor's
 * question has exactly one answer. The questions go to the offline responder (the demo knowledge
 * answers them); then an agent claims the conversation, so the AI stays silent for the numbered
 * messages and "one answer" stays checkable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type { AckResult, ChatMessage } from '@support-chat/shared';
import { Cluster, transcript } from './cluster.js';
import { connected, data, type AgentClient, type VisitorClient } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres } from './postgres.js';
import { OwnRedis } from './own-redis.js';
import { requireBuiltServer, type ServerProcess } from './server-process.js';

const unreachable = await postgresUnreachable();
const skip = skipWithoutPostgres('chaos', unreachable);

const VISITORS = 21;
const AGENTS = 3;
const VISITOR_MESSAGES = 14;
const AGENT_MESSAGES = 6;
/** Every NOTE_EVERY-th agent message is followed by an internal note (notes take seqs too). */
const NOTE_EVERY = 2;
const KILLS = Number(process.env.CHAOS_KILLS ?? 12);
const QUESTION = 'How do I return an item?';
const ADMIN = { email: 'admin@chaos.example', password: 'admin-password-123' };
/** Visitors send at most 20 messages a minute (LIMITS.visitorMessagesPerMinute): pace below it. */
const VISITOR_PAUSE_MS = 3_200;
const AGENT_PAUSE_MS = 2_500;
const ACK_TIMEOUT_MS = 4_000;
/** A client that cannot get its work done by then fails the test rather than hanging it. */
const DEADLINE_MS = 240_000;

const counts = {
  sent: 0,
  attempts: 0,
  acked: 0,
  refused: 0,
  stored: 0,
  kills: 0,
  restarts: 0,
  redisRestarts: 0,
  socketDrops: 0,
  reconnects: 0,
  answers: 0,
};

const FINAL_CODES = new Set(['invalid_payload', 'unauthorized', 'forbidden', 'not_found']);
/** Refused commands by error code (printed with the counts). */
const refusals = new Map<string, number>();

const T0 = Date.now();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(Math.random() * items.length)];

/** The messages a reader holds, by conversation and seq: what it was acked, sent live, or resumed. */
class Held {
  readonly byConversation = new Map<string, Map<number, ChatMessage>>();
  add(message: ChatMessage): void {
    let seqs = this.byConversation.get(message.conversationId);
    if (!seqs) this.byConversation.set(message.conversationId, (seqs = new Map()));
    seqs.set(message.seq, message);
  }
  private readonly explained = new Map<string, number>();
  /** A resume saw the conversation at `lastSeq`: every seq up to it it did not return is hidden (a note). */
  explain(conversationId: string, lastSeq: number): void {
    this.explained.set(conversationId, Math.max(lastSeq, this.explained.get(conversationId) ?? 0));
  }
  /**
   * Where to resume: the highest seq below which nothing is unaccounted for. Not the highest seq
   * held: a reader's own ack (or a live message) can arrive before another node's message with a
   * lower seq, whose fan-out is then lost with the socket; resuming after the highest would skip
   * it for good. (The widget resumes after the highest seq it holds: see the report of issue 10.)
   */
  lastSeq(conversationId: string | undefined): number {
    const seqs = conversationId ? this.byConversation.get(conversationId) : undefined;
    if (!conversationId || !seqs) return 0;
    let mark = this.explained.get(conversationId) ?? 0;
    while (seqs.has(mark + 1)) mark += 1;
    return mark;
  }
  ids(conversationId: string): Set<string> {
    return new Set([...(this.byConversation.get(conversationId)?.values() ?? [])].map((m) => m.id));
  }
}

type AnySocket = VisitorClient | AgentClient;

/**
 * A client that keeps one socket to some live node, reconnects elsewhere when it drops, resumes by
 * seq on every connection, and retries a command until it is acknowledged (same payload, so the
 * same client id: the server's dedupe makes the retry harmless).
 */
abstract class ChaosClient<S extends AnySocket> {
  socket: S | null = null;
  private stopped = false;
  readonly log: string[] = [];
  readonly held = new Held();
  private connecting: Promise<S> | null = null;

  constructor(
    protected readonly cluster: Cluster,
    readonly name: string,
    private readonly deadline: number,
  ) {}

  protected abstract open(node: ServerProcess): S;
  protected abstract resume(socket: S): Promise<void>;

  /** Drops the socket as a flaky network would; the next command reconnects. */
  drop(): void {
    this.socket?.disconnect();
  }

  stop(): void {
    this.stopped = true;
    this.socket?.disconnect();
  }

  async ready(): Promise<S> {
    if (this.socket?.connected) return this.socket;
    this.connecting ??= this.reconnect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async reconnect(): Promise<S> {
    for (;;) {
      this.checkDeadline('reconnect');
      if (this.stopped) throw new Error(`${this.name}: stopped`);
      const node = pick([...this.cluster.nodes]);
      if (!node) {
        await sleep(200);
        continue;
      }
      const socket = this.open(node);
      try {
        await withTimeout(connected(socket), 3_000, 'connect');
        await this.resume(socket);
        counts.reconnects += 1;
        this.log.push(`${Date.now() - T0} connected to ${node.url}`);
        (socket as Socket).on('disconnect', (reason: string) => {
          this.log.push(`${Date.now() - T0} disconnected from ${node.url}: ${reason}`);
          // Like the widget and the console: reconnect (elsewhere) and resume by themselves, not
          // only when there is something to send; a reader needs it to see what comes next.
          if (this.socket === socket && !this.stopped) this.ready().catch(() => undefined);
        });
        this.socket = socket;
        return socket;
      } catch {
        socket.disconnect();
        await sleep(200);
      }
    }
  }

  /** Sends until acknowledged with ok; refusals (rate limits, a store hiccup) are retried too. */
  async command<T>(send: (socket: S) => Promise<AckResult<T>>, what: string): Promise<T> {
    for (;;) {
      this.checkDeadline(what);
      const socket = await this.ready();
      counts.attempts += 1;
      let result: AckResult<T>;
      try {
        result = await untilDropped(socket, withTimeout(send(socket), ACK_TIMEOUT_MS, what));
      } catch {
        // No ack: the node died or the socket dropped. Reconnect (resuming) and send it again.
        socket.disconnect();
        continue;
      }
      if (result.ok) return result.data;
      counts.refused += 1;
      refusals.set(result.error.code, (refusals.get(result.error.code) ?? 0) + 1);
      // A mistake in the request itself would be refused forever: fail now, not at the deadline.
      if (FINAL_CODES.has(result.error.code)) throw new Error(`${this.name}: ${what} refused: ${result.error.code}: ${result.error.message}`);
      await sleep(result.error.code === 'rate_limited' ? 3_000 : 300);
    }
  }

  private checkDeadline(what: string): void {
    if (Date.now() > this.deadline) throw new Error(`${this.name}: gave up on ${what} at the deadline`);
  }
}

class ChaosVisitor extends ChaosClient<VisitorClient> {
  token?: string;
  conversationId?: string;
  readonly acked: ChatMessage[] = [];

  protected open(node: ServerProcess): VisitorClient {
    const socket: VisitorClient = io(`${node.url}/visitor`, { auth: this.token ? { token: this.token } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('message:created', (m) => this.held.add(m));
    return socket;
  }

  protected async resume(socket: VisitorClient): Promise<void> {
    const session = data(
      await withTimeout(
        socket.emitWithAck('conversation:resume', { afterSeq: this.held.lastSeq(this.conversationId), ...(this.conversationId ? { conversationId: this.conversationId } : {}) }),
        ACK_TIMEOUT_MS,
        'resume',
      ),
    );
    this.token = session.token;
    if (session.conversation) this.conversationId = session.conversation.id;
    for (const m of session.messages) this.held.add(m);
    if (session.conversation) this.held.explain(session.conversation.id, session.conversation.lastSeq);
  }

  async send(clientId: string, text: string): Promise<ChatMessage> {
    counts.sent += 1;
    const { message } = await this.command((s) => s.emitWithAck('message:send', { clientId, text }), `send ${clientId}`);
    counts.acked += 1;
    this.conversationId = message.conversationId;
    this.held.add(message);
    this.acked.push(message);
    return message;
  }

  hasAnswer(): boolean {
    return [...(this.held.byConversation.get(this.conversationId ?? '')?.values() ?? [])].some((m) => m.author === 'ai');
  }

  /** Until the AI's answer is held: live, or found by a resume (after a reconnect, or asked for). */
  async awaitAnswer(): Promise<void> {
    while (!this.hasAnswer()) {
      await sleep(1_000);
      if (this.hasAnswer()) return;
      const socket = await this.ready();
      await withTimeout(this.resume(socket), ACK_TIMEOUT_MS, 'resume').catch(() => socket.disconnect());
    }
  }
}

class ChaosAgent extends ChaosClient<AgentClient> {
  readonly conversations = new Set<string>();
  readonly acked: ChatMessage[] = [];

  constructor(
    cluster: Cluster,
    name: string,
    deadline: number,
    private readonly cookie: string,
  ) {
    super(cluster, name, deadline);
  }

  protected open(node: ServerProcess): AgentClient {
    const socket: AgentClient = io(`${node.url}/agent`, { extraHeaders: { cookie: this.cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('message:created', (m) => this.held.add(m));
    return socket;
  }

  /** Watches each of its conversations again from the last seq it holds (pages of up to 500). */
  protected async resume(socket: AgentClient): Promise<void> {
    for (const conversationId of this.conversations) {
      for (;;) {
        const afterSeq = this.held.lastSeq(conversationId);
        const { messages } = data(await withTimeout(socket.emitWithAck('conversation:watch', { conversationId, afterSeq }), ACK_TIMEOUT_MS, 'watch'));
        for (const m of messages) this.held.add(m);
        if (messages.length === 0 || this.held.lastSeq(conversationId) === afterSeq) break;
      }
    }
  }

  async claim(conversationId: string): Promise<void> {
    this.conversations.add(conversationId);
    await this.command((s) => s.emitWithAck('conversation:claim', { conversationId }), `claim ${conversationId}`);
    // Watch from this socket too (a reconnect watches every claimed conversation again).
    await this.command(async (s) => {
      const result = await s.emitWithAck('conversation:watch', { conversationId, afterSeq: this.held.lastSeq(conversationId) });
      if (result.ok) for (const m of result.data.messages) this.held.add(m);
      return result;
    }, `watch ${conversationId}`);
  }

  async send(conversationId: string, clientId: string, text: string, note = false): Promise<void> {
    counts.sent += 1;
    const { message } = await this.command(
      (s) => s.emitWithAck(note ? 'note:add' : 'message:send', { conversationId, clientId, text }),
      `send ${clientId}`,
    );
    counts.acked += 1;
    this.held.add(message);
    this.acked.push(message);
  }
}

/** Waits (polling, bounded) until `done()`; the assertion after it says what was missing. */
async function until(done: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await sleep(100);
}

/** Rejects as soon as the socket drops: its ack can no longer come. */
async function untilDropped<T>(socket: Socket, work: Promise<T>): Promise<T> {
  if (!socket.connected) throw new Error('disconnected');
  let off = () => {};
  const dropped = new Promise<never>((_, reject) => {
    const listener = () => reject(new Error('disconnected'));
    socket.once('disconnect', listener);
    off = () => socket.off('disconnect', listener);
  });
  try {
    return await Promise.race([work, dropped]);
  } finally {
    off();
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(skip)('chaos: nodes killed and restarted, Redis restarted, sockets dropped', () => {
  let redis: OwnRedis;
  let cluster: Cluster;

  beforeAll(async () => {
    requireBuiltServer();
    redis = await OwnRedis.onFreePort();
    await redis.start();
    cluster = await Cluster.create({ redisUrl: redis.url, redisPrefix: 'chaos:', env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
  }, 30_000);

  afterAll(async () => {
    console.log(`chaos counts: ${JSON.stringify(counts)}; refusals: ${JSON.stringify(Object.fromEntries(refusals))}`);
    await cluster?.close().catch((error: unknown) => console.warn('chaos cleanup:', error));
    await redis?.kill();
  }, 30_000);

  it('stores every acknowledged message once, in order, seen by every reader; answers every question once', async () => {
    const deadline = Date.now() + DEADLINE_MS;
    const first = await cluster.start();
    await Promise.all([cluster.start(), cluster.start()]);
    const adminCookie = await cluster.login(first, ADMIN.email, ADMIN.password);
    // Agents claim by hand; a grace longer than the test keeps every claim through the chaos
    // (the grace has its own test in multi-node.integration).
    await cluster.saveRouting(first, adminCookie, { assignment: 'manual', disconnectGraceSeconds: 3600 });

    const agents: ChaosAgent[] = [];
    for (let j = 0; j < AGENTS; j++) {
      const { cookie } = await cluster.agent(`Agent${j}`, first);
      agents.push(new ChaosAgent(cluster, `agent ${j}`, deadline, cookie));
    }
    const visitors = Array.from({ length: VISITORS }, (_, i) => new ChaosVisitor(cluster, `visitor ${i}`, deadline));
    const clients: { socket: AnySocket | null; drop(): void; stop(): void }[] = [...visitors, ...agents];
    await Promise.all(agents.map((agent) => agent.ready()));

    let working = true;
    const conversation = async (visitor: ChaosVisitor, i: number) => {
      await sleep(Math.random() * 2_000); // not all at once
      await visitor.send(`chaos-v${i}-q`, QUESTION);
      await visitor.awaitAnswer();
      const agent = agents[i % AGENTS]!;
      await agent.claim(visitor.conversationId!);
      const fromAgent = (async () => {
        for (let n = 1; n <= AGENT_MESSAGES; n++) {
          await sleep(AGENT_PAUSE_MS * (0.5 + Math.random()));
          await agent.send(visitor.conversationId!, `chaos-a${i}-${n}`, `Agent to visitor ${i}: #${n}`);
          if (n % NOTE_EVERY === 0) await agent.send(visitor.conversationId!, `chaos-a${i}-note-${n}`, `Note on visitor ${i}: #${n}`, true);
        }
      })();
      for (let n = 1; n <= VISITOR_MESSAGES; n++) {
        await sleep(VISITOR_PAUSE_MS * (0.8 + Math.random() * 0.4));
        await visitor.send(`chaos-v${i}-${n}`, `Visitor ${i}: #${n}`);
      }
      await fromAgent;
    };
    const work = Promise.all(visitors.map((visitor, i) => conversation(visitor, i)));
    work.finally(() => (working = false)).catch(() => undefined);

    const chaos = (async () => {
      for (let k = 0; k < KILLS && Date.now() < deadline; k++) {
        await sleep(1_000 + Math.random() * 1_000);
        if (k === Math.floor(KILLS / 2)) {
          // Redis away for a moment, and back empty: presence, leases, timers, limits all gone.
          console.log(`${Date.now() - T0} redis killed`);
          await redis.kill();
          await sleep(1_000);
          await redis.start();
          counts.redisRestarts += 1;
          await sleep(1_000);
        }
        const victim = pick([...cluster.nodes]);
        if (!victim) continue;
        console.log(`${Date.now() - T0} killing ${victim.url}`);
        await victim.kill('SIGKILL');
        counts.kills += 1;
        await cluster.start();
        counts.restarts += 1;
      }
    })();
    const drops = (async () => {
      while (working && Date.now() < deadline) {
        await sleep(300 + Math.random() * 400);
        const client = pick(clients);
        if (client?.socket?.connected) {
          client.drop();
          counts.socketDrops += 1;
        }
      }
    })();

    await Promise.all([work, chaos, drops]);
    while (cluster.nodes.size < 3) await cluster.start();

    // ---- what was stored ----
    const reader = cluster.agentSocket(first.child.exitCode === null && first.child.signalCode === null ? first : [...cluster.nodes][0]!, adminCookie);
    await connected(reader);
    const visitorView = async (visitor: ChaosVisitor) => {
      const socket = cluster.visitorSocket([...cluster.nodes][0]!, visitor.token);
      await connected(socket);
      const session = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
      socket.disconnect();
      return session.messages;
    };
    for (const [i, visitor] of visitors.entries()) {
      const conversationId = visitor.conversationId!;
      const agent = agents[i % AGENTS]!;
      const stored = await transcript(reader, conversationId);
      counts.stored += stored.filter((m) => m.clientId && !m.clientId.startsWith('answer:')).length;

      // Contiguous seq from 1, notes and system lines included.
      expect(stored.map((m) => m.seq), `seqs of visitor ${i}`).toEqual(stored.map((_, k) => k + 1));
      // Every acknowledged message once, as acknowledged.
      for (const acked of [...visitor.acked, ...agent.acked.filter((m) => m.conversationId === conversationId)]) {
        const copies = stored.filter((m) => m.author === acked.author && m.clientId === acked.clientId);
        expect(copies.map((m) => [m.id, m.seq, m.text]), `${acked.clientId} of visitor ${i}`).toEqual([[acked.id, acked.seq, acked.text]]);
      }
      // In the order sent, nothing that was not acknowledged.
      const numbered = (author: string) => stored.filter((m) => m.author === author && m.kind !== 'event' && !m.clientId?.startsWith('answer:')).map((m) => m.clientId);
      expect(numbered('visitor')).toEqual([`chaos-v${i}-q`, ...Array.from({ length: VISITOR_MESSAGES }, (_, n) => `chaos-v${i}-${n + 1}`)]);
      expect(numbered('agent')).toEqual(
        Array.from({ length: AGENT_MESSAGES }, (_, n) => [`chaos-a${i}-${n + 1}`, ...((n + 1) % NOTE_EVERY === 0 ? [`chaos-a${i}-note-${n + 1}`] : [])]).flat(),
      );
      // One answer to the one question, and the AI silent once the agent had it.
      const answers = stored.filter((m) => m.author === 'ai');
      expect(answers.map((m) => m.clientId), `answers of visitor ${i}`).toHaveLength(1);
      expect(answers[0]!.seq).toBeGreaterThan(stored.find((m) => m.clientId === `chaos-v${i}-q`)!.seq);
      counts.answers += answers.length;

      // Seen by every reader: the agent holds the whole transcript, the visitor all it may see.
      // The last messages may still be on their way to a reader: wait for them (bounded).
      await until(() => stored.every((m) => agent.held.ids(conversationId).has(m.id)), 10_000);
      const agentHolds = agent.held.ids(conversationId);
      const missing = stored.filter((m) => !agentHolds.has(m.id));
      if (missing.length) console.log(agent.log.join('\n'), missing.map((m) => `${m.seq} ${m.createdAt - T0} ${m.author}`));
      expect(stored.filter((m) => !agentHolds.has(m.id)).map((m) => m.seq), `seqs agent ${i % AGENTS} is missing of visitor ${i}`).toEqual([]);
      const visible = await visitorView(visitor);
      await until(() => visible.every((m) => visitor.held.ids(conversationId).has(m.id)), 10_000);
      const visitorHolds = visitor.held.ids(conversationId);
      const unseen = visible.filter((m) => !visitorHolds.has(m.id));
      if (unseen.length) console.log(visitor.log.join('\n'), unseen.map((m) => `${m.seq} ${m.createdAt - T0} ${m.author} ${m.kind}`), [...visitor.held.byConversation.get(conversationId)!.values()].map((m) => `${m.seq}:${m.author}`).join(' '));
      expect(visible.filter((m) => !visitorHolds.has(m.id)).map((m) => m.seq), `seqs visitor ${i} is missing`).toEqual([]);
    }
    for (const client of clients) client.stop();
    expect(counts.kills).toBeGreaterThanOrEqual(KILLS);
    expect(counts.redisRestarts).toBe(1);
  }, DEADLINE_MS + 60_000);
});
