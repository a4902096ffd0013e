/**
 * The outbox and resume against a real Socket.IO server on port 0. The server here is a tiny
 * stand-in implementing just what the visitor protocol needs, including the real server's
 * dedupe by clientId, plus switches to hold handshakes, lose acks and refuse sends.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  Availability,
  WelcomeSettings,
  ChatMessage,
  ErrorCode,
  VisitorClientEvents,
  VisitorConversation,
  VisitorServerEvents,
} from '@support-chat/shared';
import { Fetch, NodeWebSocket } from 'engine.io-client';
import {
  hasStoredSession,
  READ_THROTTLE_MS,
  storageKeys,
  VisitorConnection,
} from './connection.js';
import * as jsonParser from './slim-socket/json-parser.js';

class MemoryStorage implements Storage {
  private m = new Map<string, string>();
  writes = 0;
  get length() {
    return this.m.size;
  }
  clear() {
    this.m.clear();
  }
  getItem(k: string) {
    return this.m.get(k) ?? null;
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null;
  }
  removeItem(k: string) {
    this.writes++;
    this.m.delete(k);
  }
  setItem(k: string, v: string) {
    this.writes++;
    this.m.set(k, v);
  }
  keys() {
    return [...this.m.keys()];
  }
}

type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents>;

class FakeServer {
  readonly http: HttpServer = createServer();
  readonly io: Server<VisitorClientEvents, VisitorServerEvents>;
  url = '';
  connections = 0;
  /** Every resume payload, in order. */
  resumes: { afterSeq?: number; conversationId?: string; context?: unknown }[] = [];
  /** How many times each clientId was sent (retries included). */
  sends = new Map<string, number>();
  /** When each send arrived (ms), in order, with its clientId. */
  sendTimes: { clientId: string; at: number }[] = [];
  messages: ChatMessage[] = [];
  conversation: VisitorConversation = { id: 'c1', status: 'bot', lastSeq: 0, createdAt: 1 };
  /** Store the next N sends but drop the connection instead of acknowledging. */
  loseAcks = 0;
  /** Sends stored but never acknowledged, the connection left open: a network that stalled. */
  stallAcks = 0;
  refuseWith: ErrorCode | null = null;
  /** Sent with `refuseWith` (as a rate limit says when to come back). */
  retryAfterMs: number | undefined = undefined;
  /** Handshakes seen, and a refusal for them (`rate_limited` with a wait) while set. */
  handshakes = 0;
  refuseHandshakesFor: number | null = null;
  /** Every /visitor handshake refuses with this connect_error data (as the origin check does). */
  refuseHandshake: { code: ErrorCode; message: string } | null = null;
  availability: Availability = { agentsOnline: 1, withinHours: true, acceptingChats: true };
  welcome: WelcomeSettings = { en: { greeting: 'Hi!', starters: ['Shipping?'] }, 'zh-CN': { greeting: '你好！', starters: ['运费？'] } };
  /** Every `conversation:read` seq, in order. */
  reads: number[] = [];
  /** Every offline:leave payload, in order (retries included). */
  leaves: { clientId: string; email: string; name?: string; text: string }[] = [];
  private gate: Promise<void> | null = null;
  private open: () => void = () => {};

  constructor(options: Partial<ServerOptions> = {}) {
    this.io = new Server(this.http, options);
  }

  async listen() {
    this.io.of('/visitor').use(async (_socket, next) => {
      this.handshakes++;
      await this.gate;
      const refusal = this.refuseHandshake;
      // As the server's handshakeRefusal: the code as the error's message, the reason in its data.
      if (refusal) return next(Object.assign(new Error(refusal.code), { data: refusal }));
      if (this.refuseHandshakesFor === null) return next();
      const data = { code: 'rate_limited', message: 'Too many connections from your network.', retryAfterMs: this.refuseHandshakesFor };
      next(Object.assign(new Error('rate_limited'), { data }));
    });
    this.io.of('/visitor').on('connection', (socket: VisitorSocket) => this.serve(socket));
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
    return this;
  }

  /** New handshakes wait until `release()`. */
  hold() {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release() {
    this.gate = null;
    this.open();
  }
  /** Drops every connection as a network failure would (the clients reconnect by themselves). */
  dropAll() {
    for (const s of this.io.of('/visitor').sockets.values()) s.conn.close();
  }

  add(m: Omit<ChatMessage, 'id' | 'seq' | 'conversationId' | 'createdAt'>): ChatMessage {
    const seq = ++this.conversation.lastSeq;
    const conversationId = this.conversation.id;
    const message: ChatMessage = { id: `${conversationId}-${seq}`, seq, conversationId, createdAt: seq, ...m };
    this.messages.push(message);
    return message;
  }

  /** Adds a message and announces it to every connected visitor socket. */
  push(m: Omit<ChatMessage, 'id' | 'seq' | 'conversationId' | 'createdAt'>): ChatMessage {
    const message = this.add(m);
    this.io.of('/visitor').emit('message:created', message);
    return message;
  }

  private serve(socket: VisitorSocket) {
    this.connections++;
    socket.on('conversation:resume', (payload, ack) => {
      this.resumes.push(payload);
      const { id } = this.conversation;
      // As the real server: when the client's conversation is not the latest, resend it all.
      const after = payload.conversationId && payload.conversationId !== id ? 0 : (payload.afterSeq ?? 0);
      ack({
        ok: true,
        data: {
          token: 'tok-1',
          visitorId: 'v1',
          conversation: this.messages.length ? { ...this.conversation } : null,
          messages: this.messages.filter((m) => m.conversationId === id && m.seq > after),
          availability: this.availability,
          welcome: this.welcome,
          attachments: { maxBytes: 10 * 1024 * 1024, types: ['image/png', 'application/pdf'] },
        },
      });
    });
    socket.on('message:send', ({ clientId, text }, ack) => {
      this.sends.set(clientId, (this.sends.get(clientId) ?? 0) + 1);
      this.sendTimes.push({ clientId, at: Date.now() });
      if (this.refuseWith) {
        const wait = this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs };
        return ack({ ok: false, error: { code: this.refuseWith, message: 'no', ...wait } });
      }
      let message = this.messages.find((m) => m.clientId === clientId);
      if (!message) {
        message = this.add({ author: 'visitor', kind: 'text', text, clientId });
        this.io.of('/visitor').emit('message:created', message);
      }
      if (this.loseAcks > 0) {
        this.loseAcks--;
        socket.conn.close();
        return;
      }
      if (this.stallAcks > 0) return void this.stallAcks--;
      ack({ ok: true, data: { message, conversation: { ...this.conversation } } });
    });
    socket.on('handoff:request', (_payload, ack) => {
      this.conversation.status = 'queued';
      this.conversation.queuePosition = 2;
      ack({ ok: true, data: { conversation: { ...this.conversation } } });
    });
    socket.on('conversation:read', ({ seq }) => void this.reads.push(seq));
    socket.on('message:rate', ({ messageId, helpful }, ack) => {
      const i = this.messages.findIndex((m) => m.id === messageId);
      if (this.refuseWith || i < 0) return ack({ ok: false, error: { code: this.refuseWith ?? 'not_found', message: 'no' } });
      this.messages[i] = { ...this.messages[i]!, feedback: helpful ? 'helpful' : 'not_helpful' };
      ack({ ok: true, data: { message: this.messages[i]! } });
    });
    socket.on('conversation:rate', ({ conversationId, score, comment }, ack) => {
      if (conversationId !== this.conversation.id || this.conversation.status !== 'closed') {
        return ack({ ok: false, error: { code: 'invalid_state', message: 'not closed' } });
      }
      this.conversation.rating = { score: score as 1 | 2 | 3 | 4 | 5, ratedAt: 9, ...(comment ? { comment } : {}) };
      ack({ ok: true, data: { conversation: { ...this.conversation } } });
    });
    socket.on('offline:leave', (payload, ack) => {
      this.leaves.push(payload);
      // The server's address check is stricter than the widget's.
      if (payload.email.startsWith('refused')) return ack({ ok: false, error: { code: 'invalid_payload', message: 'email: Invalid email address' } });
      if (this.loseAcks > 0) {
        this.loseAcks--;
        return socket.conn.close();
      }
      let message = this.messages.find((m) => m.clientId === payload.clientId);
      if (!message) {
        message = this.add({ author: 'visitor', kind: 'text', text: payload.text, clientId: payload.clientId });
        this.conversation.status = 'queued';
        this.conversation.queuePosition = 1;
        this.conversation.messageLeft = true;
      }
      ack({ ok: true, data: { message, conversation: { ...this.conversation } } });
    });
  }

  sentTexts() {
    return this.messages.filter((m) => m.author === 'visitor').map((m) => m.text);
  }

  close() {
    this.release();
    return new Promise<void>((resolve) => this.io.close(() => resolve()));
  }
}

async function until(check: () => boolean, what = 'condition', ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let server: FakeServer;
let storage: MemoryStorage;
const open: VisitorConnection[] = [];

/** A connection that was online while nobody could chat, now cut off (the server holds new connections). */
async function offlineWhileNobodyCanChat(): Promise<VisitorConnection> {
  server.availability = { agentsOnline: 0, withinHours: true, acceptingChats: false };
  const conn = connect();
  conn.start();
  await until(() => conn.status === 'online', 'online');
  server.hold();
  server.dropAll();
  await until(() => conn.status === 'reconnecting', 'offline');
  return conn;
}

function connect(opts: Partial<ConstructorParameters<typeof VisitorConnection>[0]> = {}) {
  const conn = new VisitorConnection({
    server: server.url,
    storage,
    ackTimeoutMs: 2000,
    // The bundle's parser (build.mjs swaps it in), so every test checks it against a real server.
    socketOptions: { transports: ['websocket'], parser: jsonParser, reconnectionDelay: 20, reconnectionDelayMax: 50 },
    ...opts,
  });
  open.push(conn);
  return conn;
}

const texts = (conn: VisitorConnection) => conn.messages.map((m) => m.text);

beforeEach(async () => {
  server = await new FakeServer().listen();
  storage = new MemoryStorage();
});

afterEach(async () => {
  for (const c of open.splice(0)) c.stop();
  await server.close();
});

describe('VisitorConnection', () => {
  it('stays private until used: no storage writes and no socket before start', async () => {
    const conn = connect();
    expect(hasStoredSession(storage, server.url)).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.connections).toBe(0);
    expect(storage.writes).toBe(0);
    expect(conn.status).toBe('idle');

    conn.start();
    await until(() => conn.status === 'online', 'online');
    expect(storage.keys()).toEqual([storageKeys(server.url).token]);
    expect(storage.getItem(`support-chat:${server.url}:token`)).toBe('tok-1');
    expect(hasStoredSession(storage, server.url)).toBe(true);
  });

  it('sends a message once and shows it once although the ack and the broadcast both carry it', async () => {
    const conn = connect();
    const added: ChatMessage[] = [];
    conn.onChange = (a) => added.push(...a);
    expect(conn.send('  hello  ')).toBe(true);
    expect(conn.outbox).toHaveLength(1);
    await until(() => conn.outbox.length === 0, 'ack');
    await new Promise((r) => setTimeout(r, 50)); // let the broadcast arrive too
    expect(texts(conn)).toEqual(['hello']);
    expect(added.map((m) => m.text)).toEqual(['hello']);
    expect([...server.sends.values()]).toEqual([1]);
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();
  });

  it('sends again, in place and in order, when an ack never comes on a connection that looks open (a stalled network)', async () => {
    const conn = connect({ ackTimeoutMs: 300, storeRetry: { firstMs: 50 } });
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.stallAcks = 1;
    conn.send('first, in a stall');
    conn.send('second');
    await until(() => conn.outbox.length === 0, 'both sent', 5000);
    expect(server.messages.filter((m) => m.author === 'visitor').map((m) => m.text)).toEqual(['first, in a stall', 'second']);
    expect(texts(conn)).toEqual(['first, in a stall', 'second']);
    // Not by tearing the connection down: a slow server's visitors would all reconnect at once.
    expect(server.connections).toBe(1);
  });

  it('sends messages written while disconnected exactly once, in order, after reconnecting', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.hold();
    server.dropAll();
    await until(() => conn.status === 'reconnecting', 'disconnect');

    conn.send('first');
    conn.send('second');
    expect(JSON.parse(storage.getItem(storageKeys(server.url).outbox)!)).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(server.sends.size).toBe(0);

    server.release();
    await until(() => conn.outbox.length === 0, 'outbox flushed');
    expect(server.sentTexts()).toEqual(['first', 'second']);
    expect([...server.sends.values()]).toEqual([1, 1]);
    expect(texts(conn)).toEqual(['first', 'second']);
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();
  });

  it('retries a send whose ack was lost, and the server keeps one copy', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.loseAcks = 1;
    conn.send('are you there?');
    await until(() => conn.outbox.length === 0 && conn.status === 'online', 'confirmed after reconnect');
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sentTexts()).toEqual(['are you there?']);
    expect(texts(conn)).toEqual(['are you there?']);
    expect(server.connections).toBe(2);
  });

  it('resends what was pending after a reload (a new connection over the same storage)', async () => {
    server.hold();
    const before = connect();
    before.start();
    before.send('written before the reload');
    const pending = before.outbox[0]!.clientId;
    before.stop();
    expect(server.sends.size).toBe(0);

    const after = connect();
    expect(hasStoredSession(storage, server.url)).toBe(true);
    expect(after.outbox.map((i) => i.clientId)).toEqual([pending]);
    after.start();
    server.release();
    await until(() => after.outbox.length === 0, 'outbox flushed');
    expect(server.sends.get(pending)).toBe(1);
    expect(texts(after)).toEqual(['written before the reload']);
  });

  it('does not resend after a reload what the server stored before the ack was lost', async () => {
    const before = connect();
    before.start();
    await until(() => before.status === 'online', 'online');
    server.hold(); // the reconnect never completes: the page is "reloaded" first
    server.loseAcks = 1;
    before.send('once');
    await until(() => before.status === 'reconnecting', 'lost ack');
    before.stop();
    server.release();

    const after = connect();
    after.start();
    await until(() => after.status === 'online' && after.outbox.length === 0, 'resumed');
    await new Promise((r) => setTimeout(r, 50));
    expect([...server.sends.values()]).toEqual([1]);
    expect(texts(after)).toEqual(['once']);
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();
  });

  it('shows a refused send as failed, forgets it on reload, and sends it again on retry', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.refuseWith = 'rate_limited';
    conn.send('too fast');
    await until(() => conn.outbox[0]?.error === 'rate_limited', 'refusal');
    expect(conn.lastError).toBe('rate_limited');
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();

    server.refuseWith = null;
    conn.retry(conn.outbox[0]!.clientId);
    await until(() => conn.outbox.length === 0, 'retried');
    expect(conn.lastError).toBeNull();
    expect(texts(conn)).toEqual(['too fast']);
  });

  it('waits as long as a rate limit says before sending again, by itself, even when the visitor retries sooner', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.refuseWith = 'rate_limited';
    server.retryAfterMs = 600;
    conn.send('first');
    conn.send('second');
    await until(() => conn.outbox[0]?.error === 'rate_limited', 'refusal');
    expect(conn.lastError).toBe('rate_limited');
    expect(conn.retryAt).toBeGreaterThan(Date.now() + 400);
    // Kept across a reload: it will be sent, only later.
    expect(JSON.parse(storage.getItem(storageKeys(server.url).outbox)!)).toHaveLength(2);
    server.refuseWith = null;
    conn.retry(conn.outbox[0]!.clientId); // too soon: nothing goes out before the wait is over
    await new Promise((r) => setTimeout(r, 300));
    expect(server.sendTimes).toHaveLength(1);
    await until(() => conn.outbox.length === 0, 'sent after the wait');
    expect(server.sendTimes[1]!.at - server.sendTimes[0]!.at).toBeGreaterThanOrEqual(600);
    expect(texts(conn)).toEqual(['first', 'second']);
    expect(conn.lastError).toBeNull();
    expect(conn.retryAt).toBeNull();
  });

  it('waits as long as a refused handshake says before connecting again', async () => {
    server.refuseHandshakesFor = 1500;
    const conn = connect();
    conn.start();
    await until(() => conn.lastError === 'rate_limited', 'refusal');
    expect(conn.retryAt).toBeGreaterThan(Date.now() + 1200);
    const refusedAt = Date.now();
    server.refuseHandshakesFor = null;
    await new Promise((r) => setTimeout(r, 1200));
    expect(server.handshakes).toBe(1);
    await until(() => conn.status === 'online', 'online after the wait', 3000);
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(1400);
    expect(server.handshakes).toBe(2);
    expect(conn.lastError).toBeNull();
  });

  it('keeps a message the server could not store, retries it with backoff by itself, and delivers it once', async () => {
    const conn = connect({ storeRetry: { firstMs: 60, maxMs: 240 } });
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.refuseWith = 'store_unavailable';
    conn.send('while the disk is full');
    conn.send('and a second one');
    const [first, second] = conn.outbox.map((i) => i.clientId);
    // Between attempts (one in flight has no error until its refusal arrives).
    await until(() => (server.sends.get(first!) ?? 0) >= 4 && conn.outbox[0]?.error === 'store_unavailable', 'four attempts', 5000);
    // Kept (and across a reload), shown as not saved yet, and the second waits behind the first.
    expect(conn.outbox.map((i) => i.text)).toEqual(['while the disk is full', 'and a second one']);
    expect(conn.outbox[0]!.error).toBe('store_unavailable');
    expect(JSON.parse(storage.getItem(storageKeys(server.url).outbox)!)).toHaveLength(2);
    expect(server.sends.get(second!) ?? 0).toBe(0);
    expect(conn.lastError).toBeNull();
    // Backoff: each wait at least half the doubled delay (jitter), capped; never a tight loop.
    const times = server.sendTimes.filter((t) => t.clientId === first).map((t) => t.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(25);
    expect(gaps[2]).toBeGreaterThan(gaps[0]!);
    expect(Math.max(...gaps)).toBeLessThan(240 + 150);

    server.refuseWith = null;
    await until(() => conn.outbox.length === 0, 'delivered after recovery', 3000);
    expect(server.sentTexts()).toEqual(['while the disk is full', 'and a second one']);
    expect(texts(conn)).toEqual(['while the disk is full', 'and a second one']);
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();
    // Delivered: no more attempts come.
    const attempts = server.sendTimes.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.sendTimes.length).toBe(attempts);
  });

  it('resumes after the last seq it saw and reports only what it missed as new', async () => {
    server.add({ author: 'visitor', kind: 'text', text: 'old question', clientId: 'old-question-1' });
    server.add({ author: 'ai', kind: 'text', text: 'old answer' });
    storage.setItem(storageKeys(server.url).token, 'tok-1');
    const conn = connect();
    const added: string[] = [];
    conn.onChange = (a) => added.push(...a.map((m) => m.text));
    conn.start();
    await until(() => conn.messages.length === 2, 'history');
    expect(server.resumes[0]!.afterSeq).toBe(0);
    expect(conn.unread).toBe(1);
    conn.markRead();
    expect(conn.unread).toBe(0);

    server.hold();
    server.dropAll();
    await until(() => conn.status === 'reconnecting', 'disconnect');
    server.add({ author: 'agent', kind: 'text', text: 'missed while away', authorName: 'Anna' });
    server.release();
    await until(() => conn.messages.length === 3, 'missed message');
    expect(server.resumes.at(-1)!.afterSeq).toBe(2);
    expect(texts(conn)).toEqual(['old question', 'old answer', 'missed while away']);
    expect(added).toEqual(['missed while away']);
    expect(conn.unread).toBe(1);
  });

  it('after a new conversation started elsewhere, resumes it from its first message', async () => {
    const conn = connect();
    conn.start();
    conn.send('first conversation');
    await until(() => conn.outbox.length === 0, 'sent');
    server.hold();
    server.dropAll();
    await until(() => conn.status === 'reconnecting', 'disconnect');
    server.conversation = { id: 'c2', status: 'bot', lastSeq: 0, createdAt: 2 };
    server.add({ author: 'visitor', kind: 'text', text: 'from another tab', clientId: 'other-tab-1' });
    server.add({ author: 'ai', kind: 'text', text: 'answer in c2' });
    server.release();
    await until(() => conn.messages.length === 3, 'new conversation');
    expect(server.resumes.at(-1)).toMatchObject({ conversationId: 'c1', afterSeq: 1 });
    expect(conn.conversation?.id).toBe('c2');
    expect(texts(conn)).toEqual(['first conversation', 'from another tab', 'answer in c2']);
  });

  it('streams an AI answer and replaces it with the stored message', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    const nsp = server.io.of('/visitor');
    nsp.emit('ai:token', { conversationId: 'c1', streamId: 's1', delta: 'Hel', at: 0 });
    nsp.emit('ai:token', { conversationId: 'c1', streamId: 's1', delta: 'lo', at: 3 });
    await until(() => conn.streams[0]?.text === 'Hello', 'tokens');
    server.push({ author: 'ai', kind: 'text', text: 'Hello!', streamId: 's1', sources: [{ id: 'k', title: 'FAQ' }] });
    await until(() => conn.messages.length === 1, 'final message');
    expect(conn.streams).toEqual([]);
    nsp.emit('ai:token', { conversationId: 'c1', streamId: 's2', delta: 'partial', at: 0 });
    await until(() => conn.streams.length === 1, 'second stream');
    nsp.emit('ai:stream-aborted', { conversationId: 'c1', streamId: 's2' });
    await until(() => conn.streams.length === 0, 'aborted');
    expect(texts(conn)).toEqual(['Hello!']);

    // A stream joined midway (this page reloaded while it ran): not shown from the middle of a
    // word; the visitor sees the assistant at work, then the stored answer whole.
    nsp.emit('ai:token', { conversationId: 'c1', streamId: 's3', delta: 'r and click Return items', at: 42 });
    await until(() => conn.aiThinking, 'thinking');
    expect(conn.streams).toEqual([]);
    nsp.emit('ai:token', { conversationId: 'c1', streamId: 's3', delta: ' on the order.', at: 66 });
    await new Promise((r) => setTimeout(r, 50));
    expect(conn.streams).toEqual([]);
    server.push({ author: 'ai', kind: 'text', text: 'Go to My account and click Return items on the order.', streamId: 's3' });
    await until(() => conn.messages.length === 2, 'the whole answer');
    expect(conn.aiThinking).toBe(false);
  });

  it('sends identify() attributes, clipped to the limits, with the next resume', async () => {
    const conn = connect({ context: () => ({ pageUrl: 'https://shop.test/cart' }) });
    conn.identify({ plan: 'pro', ['k'.repeat(100)]: 'v'.repeat(600) });
    conn.start();
    await until(() => conn.status === 'online', 'online');
    const context = server.resumes[0]!.context as { pageUrl: string; attributes: Record<string, string> };
    expect(context.pageUrl).toBe('https://shop.test/cart');
    expect(context.attributes.plan).toBe('pro');
    expect(context.attributes['k'.repeat(64)]).toHaveLength(500);

    conn.identify({ userId: '42' });
    await until(() => server.resumes.length === 2, 'resume with new attributes');
    expect((server.resumes[1]!.context as { attributes: object }).attributes).toMatchObject({ plan: 'pro', userId: '42' });
  });

  it('asks for a person and takes the queued conversation from the ack', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    expect(await conn.requestHandoff()).toBe(true);
    expect(conn.conversation).toMatchObject({ status: 'queued', queuePosition: 2 });
  });

  it('rates an AI answer: shown at once, kept from the ack, taken back when refused', async () => {
    const answer = server.add({ author: 'ai', kind: 'text', text: 'Returns take 30 days.' });
    storage.setItem(storageKeys(server.url).token, 'tok-1');
    const conn = connect();
    conn.start();
    await until(() => conn.messages.length === 1, 'history');
    const shown = conn.messages[0]!;

    const rated = conn.rateAnswer(shown, true);
    expect(conn.messages[0]!.feedback).toBe('helpful'); // before the ack
    expect(await rated).toBe(true);
    expect(conn.messages[0]).toEqual({ ...answer, feedback: 'helpful' });

    server.refuseWith = 'rate_limited';
    expect(await conn.rateAnswer(conn.messages[0]!, false)).toBe(false);
    expect(conn.messages[0]!.feedback).toBe('helpful');
    expect(conn.lastError).toBe('rate_limited');
  });

  it('rates the closed conversation and keeps the rating from the ack', async () => {
    server.add({ author: 'visitor', kind: 'text', text: 'thanks', clientId: 'thanks-00001' });
    server.conversation.status = 'closed';
    storage.setItem(storageKeys(server.url).token, 'tok-1');
    const conn = connect();
    conn.start();
    await until(() => conn.conversation?.status === 'closed', 'closed conversation');
    expect(conn.conversation?.rating).toBeUndefined();
    expect(await conn._rateConversation(4, '  quick and kind  ')).toBe(true);
    expect(conn.conversation?.rating).toMatchObject({ score: 4, comment: 'quick and kind' });
    expect(conn.lastError).toBeNull();
  });

  it('says when a conversation cannot be rated (not closed)', async () => {
    const conn = connect();
    conn.send('hello');
    await until(() => conn.outbox.length === 0, 'sent');
    expect(await conn._rateConversation(5)).toBe(false);
    expect(conn.lastError).toBe('invalid_state');
    expect(conn.conversation?.rating).toBeUndefined();
  });

  it('keeps what the visitor may attach and the token an upload needs, and shows an uploaded file once (issue 13)', async () => {
    const conn = connect();
    expect(conn.attachments).toBeNull();
    expect(conn._visitorToken).toBeNull();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    expect(conn.attachments).toEqual({ maxBytes: 10 * 1024 * 1024, types: ['image/png', 'application/pdf'] });
    expect(conn._visitorToken).toBe('tok-1');
    const added: ChatMessage[] = [];
    conn.onChange = (a) => added.push(...a);
    const file: ChatMessage = {
      id: 'm-file',
      conversationId: 'c1',
      seq: 1,
      author: 'visitor',
      kind: 'text',
      text: 'kettle.png',
      clientId: 'f-1',
      createdAt: 1,
      attachment: { id: 'a'.repeat(32), name: 'kettle.png', contentType: 'image/png', size: 2048 },
    };
    // The upload's answer, then the broadcast of the same message: one message.
    conn._received(file);
    conn._received({ ...file });
    expect(conn.messages.map((m) => m.attachment?.name)).toEqual(['kettle.png']);
    expect(added.map((m) => m.id)).toEqual(['m-file']);
  });

  it('follows availability: from the resume, then as the server announces changes', async () => {
    server.availability = { agentsOnline: 0, withinHours: false, acceptingChats: false, nextOpenAt: 1_700_000_000_000 };
    const conn = connect();
    let renders = 0;
    conn.onChange = () => renders++;
    expect(conn.availability).toBeNull();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    expect(conn.availability).toEqual(server.availability);

    const before = renders;
    server.io.of('/visitor').emit('availability:changed', { agentsOnline: 2, withinHours: true, acceptingChats: true });
    await until(() => conn.availability?.acceptingChats === true, 'agents back');
    expect(conn.availability).toEqual({ agentsOnline: 2, withinHours: true, acceptingChats: true });
    expect(renders).toBeGreaterThan(before);
  });

  it('keeps the welcome of the latest resume (issue 12)', async () => {
    const conn = connect();
    expect(conn.welcome).toBeNull();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    expect(conn.welcome).toEqual(server.welcome);
    server.welcome = { en: { greeting: 'Welcome back', starters: [] }, 'zh-CN': { greeting: '欢迎回来', starters: [] } };
    server.dropAll();
    await until(() => conn.welcome?.en.greeting === 'Welcome back', 'the new welcome');
  });

  it('leaves a message while nobody can chat, and a lost ack resends the same message once', async () => {
    server.availability = { agentsOnline: 0, withinHours: true, acceptingChats: false };
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    server.loseAcks = 1;
    const left = { email: 'ann@example.com', name: 'Ann', text: 'Where is my order #123?' };
    expect(await conn._leaveMessage(left)).toBe(false);
    expect(conn.lastError).toBe('unavailable');
    await until(() => conn.status === 'online', 'reconnected');

    expect(await conn._leaveMessage(left)).toBe(true);
    expect(server.leaves.map((l) => l.clientId)).toEqual([server.leaves[0]!.clientId, server.leaves[0]!.clientId]);
    expect(server.leaves[1]).toMatchObject(left);
    expect(server.sentTexts()).toEqual(['Where is my order #123?']);
    expect(texts(conn)).toEqual(['Where is my order #123?']);
    expect(conn.conversation?.status).toBe('queued');
    expect(conn.conversation?.messageLeft).toBe(true);
    expect(conn.lastError).toBeNull();

    // The next message left is a new one.
    await conn._leaveMessage({ email: 'ann@example.com', text: 'Also: gift wrap?' });
    expect(server.leaves[2]!.clientId).not.toBe(server.leaves[0]!.clientId);
  });

  it('keeps a message left offline in the outbox, through a reload, and leaves it once back; a hand-off asked offline waits', async () => {
    const conn = await offlineWhileNobodyCanChat();
    // The form closes at once: the message waits with the others, shown as not sent yet.
    expect(await conn._leaveMessage({ email: 'bo@example.com', name: 'Bo', text: 'Please call me back.' })).toBe(true);
    expect(conn.outbox.map((i) => [i.text, i.left])).toEqual([['Please call me back.', { email: 'bo@example.com', name: 'Bo' }]]);
    const asking = conn.requestHandoff();
    await new Promise((r) => setTimeout(r, 100));
    expect([conn.lastError, server.leaves.length]).toEqual(['unavailable', 0]); // said, and waiting

    // The page reloads while offline: the next page has it, and leaves it once the server is back.
    conn.stop();
    expect(await asking).toBe(false);
    const next = connect();
    expect(next.outbox.map((i) => i.left?.email)).toEqual(['bo@example.com']);
    next.start();
    server.release();
    await until(() => next.outbox.length === 0, 'left');
    expect(server.leaves).toMatchObject([{ email: 'bo@example.com', name: 'Bo', text: 'Please call me back.' }]);
    expect(server.sentTexts()).toEqual(['Please call me back.']);
    expect(next.conversation).toMatchObject({ status: 'queued', messageLeft: true });
    expect(storage.getItem(storageKeys(server.url).outbox)).toBeNull();

    // A hand-off asked offline waits for the connection, as "we'll keep trying" says.
    server.hold();
    server.dropAll();
    await until(() => next.status === 'reconnecting', 'offline again');
    const handoff = next.requestHandoff();
    server.release();
    expect(await handoff).toBe(true);
    expect(next.lastError).toBeNull();
    next.stop();
  });
});

describe('a message left offline that the server refuses', () => {
  it('says so and lets the visitor leave one again', async () => {
    const conn = await offlineWhileNobodyCanChat();
    await conn._leaveMessage({ email: 'refused.@example.com', text: 'Call me back' });
    expect(conn._leftPending).toBe(true);
    server.release();
    await until(() => conn.outbox[0]?.error === 'invalid_payload', 'refused');
    expect(conn._leftPending).toBe(false); // offered again, to be left with a corrected address
    expect(await conn._leaveMessage({ email: 'bo@example.com', text: 'Call me back' })).toBe(true);
    expect(server.leaves.map((l) => l.email)).toEqual(['refused.@example.com', 'bo@example.com']);
    conn.stop();
  });
});

describe('an erased visitor', () => {
  it('no longer shows what was erased once the server has no conversation for them', async () => {
    server.add({ author: 'visitor', kind: 'text', text: 'my address is 1 Main St', clientId: 'erase-00001' });
    server.add({ author: 'ai', kind: 'text', text: 'Noted.' });
    const conn = connect();
    conn.start();
    await until(() => conn.messages.length === 2, 'history');
    server.messages = []; // erased on the server, which then drops the visitor's sockets
    server.dropAll();
    await until(() => conn.messages.length === 0, 'cleared');
    expect(conn.conversation).toBeNull();
  });
});

describe('conversation updates', () => {
  it('keep the latest state of the conversation, whatever order they arrive in', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    const shown: string[] = [];
    conn.onChange = () => shown.push(`${conn.conversation?.status} ${conn.conversation?.lastSeq}`);
    const updated = (c: VisitorConversation) => server.io.of('/visitor').emit('conversation:updated', c);
    const base = { id: 'c1', createdAt: 1 };
    updated({ ...base, status: 'queued', lastSeq: 3, queuePosition: 2 });
    await until(() => conn.conversation?.queuePosition === 2, 'queued');
    updated({ ...base, status: 'queued', lastSeq: 3, queuePosition: 1 }); // moved up: the same seq
    await until(() => conn.conversation?.queuePosition === 1, 'moved up');
    updated({ ...base, status: 'assigned', lastSeq: 4, agentName: 'Anna' });
    // Another process's queue resend, read before Anna joined, arrives after.
    updated({ ...base, status: 'queued', lastSeq: 3, queuePosition: 1 });
    updated({ ...base, status: 'assigned', lastSeq: 5, agentName: 'Anna' });
    await until(() => conn.conversation?.lastSeq === 5, 'latest');
    expect(conn.conversation).toMatchObject({ status: 'assigned', agentName: 'Anna' });
    // Never back in the queue once Anna had joined.
    expect(shown.slice(shown.indexOf('assigned 4'))).not.toContain('queued 3');
  });
});

describe('a refused handshake', () => {
  it.each([
    ['the site is not allowed', 'origin_not_allowed', 'The chat is not available on https://other.example'],
    ['the signed user is refused', 'user_refused', 'The signed user token has expired.'],
  ] as const)('says %s, keeps what was written, and does not knock again', async (_, code, message) => {
    server.refuseHandshake = { code, message };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const conn = connect();
    conn.send('hello?');
    await until(() => conn.status === 'refused', 'refused');
    expect(conn.lastError).toBe(code);
    expect(conn.outbox.map((i) => [i.text, i.error])).toEqual([['hello?', code]]); // "not sent", and why
    expect(conn.send('anyone?')).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(message));
    // Neither becomes right by trying again (other refusals are retried after 5 s): only the
    // page can change them (another token through setUser is another connection).
    await new Promise((r) => setTimeout(r, 300));
    expect(server.handshakes).toBe(1);
    warn.mockRestore();
  });
});

describe('read receipts', () => {
  it("counts as read what another tab of the visitor read (its mark in the shared storage)", async () => {
    server.add({ author: 'visitor', kind: 'text', text: 'hi', clientId: 'hi-000000002' });
    server.add({ author: 'agent', kind: 'text', text: 'Hello from Ann' });
    storage.setItem(storageKeys(server.url).token, 'tok-1');
    const here = connect();
    const there = connect();
    here.start();
    there.start();
    await until(() => here.messages.length === 2 && there.messages.length === 2, 'history in both tabs');
    expect([here.unread, there.unread]).toEqual([1, 1]);
    let changed = 0;
    here.onChange = () => changed++;
    there.markRead(); // the other tab's open panel shows the reply
    here.readElsewhere(); // what the panel does on the storage event
    expect([here.unread, changed]).toEqual([0, 1]);
    here.readElsewhere();
    expect(changed).toBe(1); // nothing new: no render
  });

  it('tells the server what the open panel shows, at most once a second, and nothing twice', async () => {
    server.add({ author: 'visitor', kind: 'text', text: 'hi', clientId: 'hi-000000001' });
    server.add({ author: 'ai', kind: 'text', text: 'hello' });
    storage.setItem(storageKeys(server.url).token, 'tok-1');
    const conn = connect();
    conn.start();
    await until(() => conn.messages.length === 2, 'history');

    const t0 = Date.now();
    for (let i = 0; i < 20; i++) conn.markRead(); // every render of the open panel
    await until(() => server.reads.length === 1, 'first read');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(READ_THROTTLE_MS - 50);
    expect(server.reads).toEqual([2]);

    server.push({ author: 'ai', kind: 'text', text: 'more' });
    await until(() => conn.messages.length === 3, 'new message');
    conn.markRead();
    server.push({ author: 'ai', kind: 'text', text: 'and more' });
    await until(() => conn.messages.length === 4, 'another');
    conn.markRead();
    await until(() => server.reads.length === 2, 'second read');
    expect(server.reads).toEqual([2, 4]); // the latest, once

    conn.markRead();
    await new Promise((r) => setTimeout(r, READ_THROTTLE_MS + 200));
    expect(server.reads).toEqual([2, 4]); // nothing new seen: nothing sent
  });

  it('sends nothing before there is a conversation, nor while offline, then catches up', async () => {
    const conn = connect();
    conn.start();
    await until(() => conn.status === 'online', 'online');
    conn.markRead();
    conn.send('question');
    await until(() => conn.outbox.length === 0, 'sent');
    server.hold();
    server.dropAll();
    await until(() => conn.status === 'reconnecting', 'offline');
    conn.markRead();
    await new Promise((r) => setTimeout(r, READ_THROTTLE_MS + 200));
    expect(server.reads).toEqual([]);
    server.release();
    await until(() => conn.status === 'online', 'back');
    conn.markRead(); // the panel renders again after the resume
    await until(() => server.reads.length === 1, 'read after reconnect');
    expect(server.reads).toEqual([1]);
  });
});

describe('transports', () => {
  async function pollingOnlyServer() {
    await server.close();
    server = await new FakeServer({ transports: ['polling'] }).listen();
  }
  const transportOf = () => [...server.io.of('/visitor').sockets.values()][0]?.conn.transport.name;

  it('falls back to HTTP long-polling over fetch (the bundle\'s polling) when the WebSocket fails', async () => {
    await pollingOnlyServer();
    // No reconnection in time: only trying the next transport at once can connect.
    const conn = connect({ socketOptions: { transports: [NodeWebSocket, Fetch], parser: jsonParser, reconnectionDelay: 60_000 } });
    conn.send('over polling');
    await until(() => conn.outbox.length === 0, 'sent over polling');
    expect(transportOf()).toBe('polling');
    server.push({ author: 'ai', kind: 'text', text: 'answer over polling' });
    await until(() => conn.messages.length === 2, 'pushed over polling');
    expect(texts(conn)).toEqual(['over polling', 'answer over polling']);
  });

  it('starts with polling after a WebSocket that hangs (a proxy that never answers the upgrade)', async () => {
    await pollingOnlyServer();
    const hung: Duplex[] = [];
    server.http.on('upgrade', (_req, socket: Duplex) => hung.push(socket)); // accepted, never answered
    const conn = connect({
      socketOptions: { transports: ['websocket', 'polling'], parser: jsonParser, timeout: 300, reconnectionDelay: 20 },
    });
    try {
      conn.start();
      await until(() => conn.status === 'online', 'online over polling');
      expect(transportOf()).toBe('polling');
      expect(hung.length).toBeGreaterThan(0);
      // Remembered: the next page starts with polling, without waiting on a WebSocket again.
      expect(storage.getItem(storageKeys(server.url).polling)).toBe('1');
      conn.stop();
      const next = connect({ socketOptions: { parser: jsonParser, timeout: 5000, reconnectionDelay: 20 } });
      const started = Date.now();
      next.start();
      await until(() => next.status === 'online', 'the next page online');
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      for (const socket of hung) socket.destroy();
    }
  });
});

describe('storage', () => {
  it("keeps another tab's unsent messages when this tab writes its outbox, and the next page sends them", async () => {
    const keys = storageKeys(server.url);
    const online = connect();
    online.start();
    await until(() => online.status === 'online', 'online');
    // Another tab, offline (its handshake never completes), wrote a message: it waits in the
    // shared storage.
    server.hold();
    const offline = connect();
    offline.send('written in the offline tab');
    expect(JSON.parse(storage.getItem(keys.outbox)!)).toHaveLength(1);
    online.send('written here');
    await until(() => online.outbox.length === 0, 'sent here');
    expect((JSON.parse(storage.getItem(keys.outbox)!) as { text: string }[]).map((i) => i.text)).toEqual(['written in the offline tab']);
    offline.stop();
    server.release();
    // The offline tab is closed; the next page load sends what it left.
    const next = connect();
    next.start();
    await until(() => next.outbox.length === 0 && server.sentTexts().length === 2, 'sent by the next page');
    expect(server.sentTexts()).toEqual(['written here', 'written in the offline tab']);
    expect(storage.getItem(keys.outbox)).toBeNull();
  });

  it("writes whose session it is with the session itself: a tab still connected never leaves another user's chat ownerless", async () => {
    const keys = storageKeys(server.url);
    const alice = connect({ owner: 'alice-7' });
    alice.start();
    await until(() => alice.status === 'online', 'online');
    expect(storage.getItem(keys.user)).toBe('alice-7');
    // Another tab forgot the session (an anonymous page, or shutdown)...
    for (const key of Object.values(keys)) storage.removeItem(key);
    // ...and this one goes on writing: its owner goes along.
    server.hold();
    server.dropAll();
    await until(() => alice.status === 'reconnecting', 'disconnect');
    alice.send('still Alice here');
    expect([storage.getItem(keys.outbox) !== null, storage.getItem(keys.user)]).toEqual([true, 'alice-7']);
    server.release();
    await until(() => alice.outbox.length === 0, 'sent');
    alice.stop();

    // An anonymous visitor's writes say so; a page that said nothing leaves the owner stored.
    const anonymous = connect({ owner: '' });
    anonymous.start();
    await until(() => anonymous.status === 'online', 'online');
    expect(storage.getItem(keys.user)).toBeNull();
    anonymous.stop();
    storage.setItem(keys.user, 'bob-7');
    const silent = connect();
    silent.start();
    await until(() => silent.status === 'online', 'online');
    expect(storage.getItem(keys.user)).toBe('bob-7');
  });

  it('namespaces keys per server origin', () => {
    expect(storageKeys('https://chat.example.com/support/').token).toBe('support-chat:https://chat.example.com:token');
    expect(storageKeys('https://a.test').outbox).not.toBe(storageKeys('https://b.test').outbox);
  });
});
