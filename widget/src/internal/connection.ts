/**
 * The visitor's side of the wire, with no DOM: owns the socket, resumes by seq after every
 * (re)connect, and keeps the outbox, so that every message the visitor writes reaches the server
 * exactly once — across reconnects and page reloads — and is shown once.
 *
 * Elements render its public fields and call `onChange` → `requestUpdate()`. Unit-tested in
 * node against a real Socket.IO server (connection.test.ts).
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import {
  ACK_TIMEOUT_MS,
  LIMITS,
  NAMESPACES,
  type AckResult,
  type AttachmentPolicy,
  type Availability,
  type ChatMessage,
  type ErrorCode,
  type VisitorClientEvents,
  type VisitorContext,
  type VisitorConversation,
  type VisitorServerEvents,
  type WelcomeSettings,
} from '@support-chat/shared';
import { newClientId, TypingThrottle } from '@support-chat/shared/browser/typing.js';
import { MessageStore } from './message-store.js';
import { load, save, storageKeys } from './session-storage.js';

/** `refused`: the server will not serve this page (its site is not allowed, its signed user refused); nothing is retried. */
export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'refused';

/** A visitor message the server has not acknowledged yet. */
export interface OutboxItem {
  clientId: string;
  text: string;
  createdAt: number;
  /**
   * Why the last attempt failed (the visitor sees "Not sent" and a retry button). `unavailable`
   * (no ack in time) is retried by itself after the next reconnect, `store_unavailable` (the
   * server could not store it: a full disk, its database away) by itself with backoff; both
   * survive a reload. Any other code is the server's refusal, which only the visitor's retry
   * sends again.
   */
  error?: ErrorCode;
  /**
   * A rate limit said when to come back (epoch ms): sent again by itself then, not before, even if
   * the visitor presses retry sooner; kept across a reload meanwhile.
   */
  retryAt?: number;
  /** A message left for the team (nobody could chat), sent as `offline:leave` with this address. */
  left?: { email: string; name?: string };
}

/** An AI answer being streamed; replaced by the stored message carrying the same `streamId`. */
export interface StreamingAnswer {
  streamId: string;
  conversationId: string;
  text: string;
}

export interface ConnectionOptions {
  /** Absolute URL of the support-chat server (a path prefix is honoured). */
  server: string;
  /** `localStorage` in the browser; anything with the same interface in tests. */
  storage: Storage;
  /** The page, language etc. sent with every resume (read each time). */
  context?: () => VisitorContext;
  ackTimeoutMs?: number;
  /** The site's signed user (a JWT its server made with IDENTITY_SECRET), sent with every handshake. */
  user?: string;
  /** An emailed link's resume token (`#sc-resume=…`): this device becomes the visitor it was sent to. */
  resume?: string;
  /**
   * Whose the session is ('' anonymous), stored with every write of it (ChatPanel._claim reads
   * it): a tab still connected writes its owner along, never a session someone else would take.
   * Undefined when the page has not said: the owner stored stays.
   */
  owner?: string;
  /** Passed to `io()` (tests shorten the reconnection delays). */
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
  /** Backoff of resends the server could not store: doubles from `firstMs` up to `maxMs`. */
  storeRetry?: { firstMs?: number; maxMs?: number };
}

type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;
type Command = Exclude<keyof VisitorClientEvents, 'typing:set' | 'conversation:read'>;
type AckData<E extends Command> =
  Parameters<VisitorClientEvents[E]>[1] extends (r: AckResult<infer T>) => void ? T : never;

/** Read receipts reach the server at most this often while new messages show (ms). */
export const READ_THROTTLE_MS = 1000;

/** Codes after which a message stays in the outbox (and storage) and is sent again by itself. */
const RETRIED: readonly ErrorCode[] = ['unavailable', 'store_unavailable'];

/** Still to be sent without the visitor's retry: not tried yet, waiting out a rate limit, or failed for a reason that passes. */
function goesByItself(item: OutboxItem): boolean {
  return !item.error || !!item.retryAt || RETRIED.includes(item.error);
}

// Storage keys, reads and writes live in session-storage.ts, which the launcher shares.
export { hasStoredSession, storageKeys } from './session-storage.js';

function loadOutbox(raw: string | null): OutboxItem[] {
  try {
    const items: unknown = JSON.parse(raw ?? '[]');
    return Array.isArray(items)
      ? items.filter((i): i is OutboxItem => typeof i?.clientId === 'string' && typeof i.text === 'string')
      : [];
  } catch {
    return [];
  }
}

export class VisitorConnection {
  status: ConnectionStatus = 'idle';
  visitorId: string | null = null;
  conversation: VisitorConversation | null = null;
  store = new MessageStore();
  /** In the order written; persisted (minus refused ones) until acknowledged. */
  outbox: OutboxItem[];
  streams: StreamingAnswer[] = [];
  /** The AI is working on an answer that has not started streaming. */
  aiThinking = false;
  /** Name of the agent typing right now ('' when unnamed), or null. */
  agentTyping: string | null = null;
  /** The last refusal, for a notice in the visitor's language; cleared by the next success. */
  lastError: ErrorCode | null = null;
  /** With a `rate_limited` refusal that said how long to wait: when (epoch ms) it is tried again. */
  retryAt: number | null = null;
  /** Whether a person can be reached now; null until the server said. */
  availability: Availability | null = null;
  /** The admin's greeting and starter questions (issue 12), from the latest resume. */
  welcome: WelcomeSettings | null = null;
  /** What the visitor may attach (issue 13), from the latest resume; null: no files. */
  attachments: AttachmentPolicy | null = null;
  /** Whether the server sends email: the rating form offers the transcript only then. */
  emails = false;
  /** Called after every change; `added` lists messages that are new to this page, not history. */
  onChange: (added: ChatMessage[]) => void = () => {};

  private _socket: VisitorSocket | null = null;
  private _ready = false;
  /** Client ids this tab has had in its outbox: the others in storage are another tab's. */
  private readonly _mine = new Set<string>();
  /** What waits for the next resume (`_whenReady`): told true then, false when stopped or refused. */
  private readonly _onReady: ((ready: boolean) => void)[] = [];
  private _flushing = false;
  private _historyLoaded = false;
  private _resumeFailures = 0;
  /** Sends in a row the server could not store: the next resend waits longer. */
  private _storeFailures = 0;
  private _token: string | null;
  private _readMark: string;
  /** The read mark the server last heard of. */
  private _readSent = '';
  /** The idempotency key of the message being left; kept across retries until it is stored. */
  private _leaveId = newClientId();
  private _attributes: Record<string, string> | undefined;
  private readonly _staleStreams = new Set<string>();
  private readonly _timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly _keys: ReturnType<typeof storageKeys>;
  private readonly _typing = new TypingThrottle((typing) => {
    if (this._ready) this._socket?.emit('typing:set', { typing });
  });

  /** Reads storage, writes nothing and opens nothing until `start()` or `send()`. */
  constructor(private readonly _opts: ConnectionOptions) {
    this._keys = storageKeys(_opts.server);
    this._token = load(_opts.storage, this._keys.token);
    this.outbox = loadOutbox(load(_opts.storage, this._keys.outbox));
    for (const item of this.outbox) this._mine.add(item.clientId);
    this._readMark = load(_opts.storage, this._keys.read) ?? '';
  }

  get messages(): readonly ChatMessage[] {
    return this.store.list;
  }

  /** AI and agent messages of the current conversation the visitor has not seen. */
  /** Another tab of this visitor read (its mark is in the storage): this one's count follows. */
  readElsewhere(): void {
    const mark = load(this._opts.storage, this._keys.read);
    if (mark && mark !== this._readMark) (this._readMark = mark), this._changed();
  }

  get unread(): number {
    const id = this.conversation?.id;
    const [readId, readSeq] = this._readMark.split(' ');
    return this.store.list.filter(
      (m) =>
        m.conversationId === id &&
        m.kind === 'text' &&
        (m.author === 'ai' || m.author === 'agent') &&
        (readId !== id || m.seq > Number(readSeq)),
    ).length;
  }

  start(): void {
    if (this._socket) return;
    this.status = 'connecting';
    const url = new URL(this._opts.server);
    const socket: VisitorSocket = io(url.origin + NAMESPACES.visitor, {
      path: url.pathname.replace(/\/$/, '') + '/socket.io',
      auth: (cb) => cb({ token: this._token ?? undefined, user: this._opts.user, resume: this._opts.resume }),
      // WebSocket first; when it fails, HTTP long-polling, which corporate proxies let through.
      // Polling first where a WebSocket once hung here (remembered: each page would wait again).
      transports: load(this._opts.storage, this._keys.polling) ? ['polling', 'websocket'] : ['websocket', 'polling'],
      tryAllTransports: true,
      // Each connection owns its manager: two instances on one page must not share a socket.
      forceNew: true,
      ...this._opts.socketOptions,
    });
    this._socket = socket;

    socket.on('connect', () => void this._resume());
    socket.on('disconnect', (reason) => {
      this._ready = false;
      this.status = 'reconnecting';
      // Tokens sent while we were away are lost: show "writing…" until the stored answer comes.
      for (const s of this.streams) this._staleStreams.add(s.streamId);
      if (this.streams.length) this._thinking(true);
      this.streams = [];
      // The server ends a visitor's sockets only when it erased the visitor: back in a second, as
      // a visitor with nothing stored, which empties the log (5 s left the erased chat on screen).
      if (reason === 'io server disconnect') this._later('reconnect', 1000, () => socket.connect());
      this._changed();
    });
    socket.on('connect_error', (err) => {
      // A transport error or timeout: the manager retries by itself. A proxy that holds a
      // WebSocket open without ever answering fails no transport, so from now on start with
      // polling, which upgrades to WebSocket where it can (socket.io's documented fallback).
      if (socket.active) {
        // Only a hang (the manager's timeout), not a server that is down for a moment.
        if (err.message === 'timeout') save(this._opts.storage, this._keys.polling, '1');
        return void (socket.io.opts.transports = ['polling', 'websocket']);
      }
      // A middleware refused the handshake. A stale token is dropped so a new one is issued.
      const data = (err as Error & { data?: { code?: ErrorCode; message?: string; retryAfterMs?: number } }).data;
      if (data?.code === 'origin_not_allowed' || data?.code === 'user_refused') {
        // This site is not in the server's ALLOWED_ORIGINS, or its signed user token is refused
        // (expired, from another secret): knocking again with it cannot help, only the page can
        // (`setUser` with a new token starts another connection). The visitor reads that the chat
        // is unavailable here; the site's owner reads why.
        console.warn(`support-chat: ${data.code}: ${data.message}`);
        this.status = 'refused';
        this.lastError = data.code;
        this._wake(false);
        // What waits to be sent cannot go: each says why, rather than "Sending…" for ever.
        for (const item of this.outbox) item.error ??= data.code;
        return this._changed();
      }
      if (this._token && (data?.code === 'unauthorized' || err.message === 'unauthorized')) {
        this._forgetToken();
        socket.connect();
      } else if (data?.code === 'rate_limited' && typeof data.retryAfterMs === 'number') {
        // Too many connections (or new visitors) from this network: come back when told, not sooner.
        const wait = Math.max(1000, data.retryAfterMs);
        this.lastError = 'rate_limited';
        this.retryAt = Date.now() + wait;
        this._later('reconnect', wait, () => socket.connect());
        this._changed();
      } else {
        // Refused for a reason the visitor should see (a signed user the server rejects…).
        this.lastError = data?.code ?? null;
        this._changed();
        this._later('reconnect', 5000, () => socket.connect());
      }
    });
    socket.on('message:created', (m) => this._receive([m], true));
    socket.on('conversation:updated', (c) => {
      this._setConversation(c);
      this._changed();
    });
    socket.on('ai:token', (e) => {
      if (this._staleStreams.has(e.streamId) || this.store.list.some((m) => m.streamId === e.streamId)) return;
      let s = this.streams.find((x) => x.streamId === e.streamId);
      // Joined midway (a reload, a reconnect): the answer is coming, shown whole when stored.
      if (!s && e.at) return void (this.aiThinking || (this._thinking(true), this._changed()));
      if (!s) this.streams.push((s = { streamId: e.streamId, conversationId: e.conversationId, text: '' }));
      s.text += e.delta;
      this._thinking(false);
      this._changed();
    });
    socket.on('ai:stream-aborted', (e) => {
      this.streams = this.streams.filter((s) => s.streamId !== e.streamId);
      this._thinking(false);
      this._changed();
    });
    socket.on('availability:changed', (a) => {
      this.availability = a;
      this._changed();
    });
    socket.on('typing:changed', (e) => {
      if (e.author === 'ai') this._thinking(e.typing);
      if (e.author !== 'agent') return this._changed();
      this.agentTyping = e.typing ? (e.name ?? '') : null;
      // The "stopped" event can be lost with a connection; don't show a typist forever.
      if (e.typing) this._later('typing', 15_000, () => ((this.agentTyping = null), this._changed()));
      this._changed();
    });
  }

  stop(): void {
    this._wake(false);
    this._socket?.disconnect();
    this._socket?.removeAllListeners();
    this._socket = null;
    this._ready = false;
    this.status = 'idle';
    this._typing.set(false);
    for (const t of this._timers.values()) clearTimeout(t);
    this._timers.clear();
  }

  /** Queues a visitor message (persisted until acked) and sends it when online. */
  send(text: string): boolean {
    const trimmed = text.trim();
    // Refused (this site, this user): it would wait for a connection that never comes.
    if (!trimmed || trimmed.length > LIMITS.messageChars || this.status === 'refused') return false;
    this._queue({ clientId: newClientId(), text: trimmed, createdAt: Date.now() });
    return true;
  }

  private _queue(item: OutboxItem): void {
    this._mine.add(item.clientId);
    this.outbox.push(item);
    this._persistOutbox();
    this._typing.set(false);
    this.start();
    this._changed();
    void this._flush();
  }

  retry(clientId: string): void {
    const item = this.outbox.find((i) => i.clientId === clientId);
    if (!item || this.status === 'refused') return;
    if (item.retryAt && item.retryAt > Date.now()) return; // it goes by itself once the wait is over
    delete item.error;
    this._persistOutbox();
    this._changed();
    void this._flush();
  }

  /**
   * A one-off request (a hand-off, a message left): offline, it waits for the connection, as the
   * alert shown meanwhile says ("we'll keep trying"), rather than failing at once.
   */
  private async _whenReady<E extends Command>(event: E, payload: Parameters<VisitorClientEvents[E]>[0]): Promise<AckResult<AckData<E>>> {
    if (!this._ready && this.status !== 'refused') {
      this._settle({ ok: false, error: { code: 'unavailable', message: '' } });
      this.start();
      await new Promise<boolean>((go) => this._onReady.push(go));
    }
    // Refused (this site, this user): said as such, not as "we'll keep trying".
    if (this.status === 'refused') return { ok: false, error: { code: this.lastError!, message: '' } };
    return this._request(event, payload);
  }

  async requestHandoff(): Promise<boolean> {
    const res = await this._whenReady('handoff:request', { clientId: newClientId() });
    if (res.ok) this._setConversation(res.data.conversation);
    return this._settle(res);
  }

  /** Thumbs up / down on an AI answer: shown at once, taken back if the server refuses. */
  async rateAnswer(m: ChatMessage, helpful: boolean): Promise<boolean> {
    this.store.put({ ...m, feedback: helpful ? 'helpful' : 'not_helpful' });
    this._changed();
    const res = await this._request('message:rate', { messageId: m.id, helpful });
    this.store.put(res.ok ? res.data.message : m);
    return this._settle(res);
  }

  /** The visitor's 1–5 rating (and comment) of their closed conversation. */
  async _rateConversation(score: number, comment?: string, email?: string): Promise<boolean> {
    const res = await this._request('conversation:rate', {
      conversationId: this.conversation?.id ?? '',
      score,
      comment: comment?.trim() || undefined,
      email: email || undefined,
    });
    if (res.ok) this._setConversation(res.data.conversation);
    return this._settle(res);
  }

  /** Nobody available: a message and an email address for the team, who reply later. */
  async _leaveMessage({ text, ...left }: { email: string; name?: string; text: string }): Promise<boolean> {
    // Offline, it waits in the outbox (shown as not sent yet), so a reload meanwhile keeps it.
    if (!this._ready && this.status !== 'refused') {
      this._queue({ clientId: this._leaveId, text, createdAt: Date.now(), left });
      this._leaveId = newClientId();
      return true;
    }
    const res = await this._whenReady('offline:leave', { clientId: this._leaveId, text, ...left });
    if (res.ok) {
      this._leaveId = newClientId();
      this._setConversation(res.data.conversation);
      this._receive([res.data.message], true);
    }
    return this._settle(res);
  }

  /**
   * A message left for the team waits to be sent: leaving one is not offered again meanwhile.
   * One the server refused (an address it would not take) does not wait: the visitor may leave
   * it again, corrected.
   */
  get _leftPending(): boolean {
    return this.outbox.some((i) => i.left && goesByItself(i));
  }

  /** The visitor token, for the HTTP requests of attachments (the file module); null before the first resume. */
  get _visitorToken(): string | null {
    return this._token;
  }

  /** A message that arrived another way (an upload's answer): shown once, whatever the socket also says. */
  _received(message: ChatMessage): void {
    this._receive([message], true);
  }

  setTyping(typing: boolean): void {
    this._typing.set(typing);
  }

  /** Site-supplied attributes, merged and clipped to the protocol's limits, sent at resume. */
  identify(attributes: Record<string, string>): void {
    const merged = { ...this._attributes };
    for (const [k, v] of Object.entries(attributes)) {
      const key = k.slice(0, LIMITS.attributeKeyChars);
      if (key && (key in merged || Object.keys(merged).length < LIMITS.attributeCount)) {
        merged[key] = String(v).slice(0, LIMITS.attributeValueChars);
      }
    }
    this._attributes = merged;
    if (this._ready) void this._resume();
  }

  /**
   * Marks everything in the current conversation as seen (the panel is open and visible), here
   * and, throttled, on the server (read receipts for the agent).
   */
  markRead(): void {
    const id = this.conversation?.id;
    if (!id) return;
    const mark = `${id} ${this.store.lastSeq(id)}`;
    if (mark !== this._readMark) save(this._opts.storage, this._keys.read, (this._readMark = mark));
    if (mark === this._readSent || this._timers.has('read')) return;
    this._later('read', READ_THROTTLE_MS, () => {
      this._timers.delete('read');
      const [readId, seq] = this._readMark.split(' ');
      // Offline, the next render after the resume marks again.
      if (!this._ready || readId !== this.conversation?.id) return;
      this._readSent = this._readMark;
      this._socket?.emit('conversation:read', { seq: Number(seq) });
    });
  }

  private async _resume(): Promise<void> {
    const socket = this._socket;
    const known = this.conversation?.id;
    const afterSeq = this.store.resumeFrom(known);
    const context = { ...this._opts.context?.(), attributes: this._attributes };
    // With the conversation named, the server resends everything when another tab has started a
    // newer one (whose seqs restart at 1).
    const res = await this._request('conversation:resume', { afterSeq, conversationId: known, context });
    if (socket !== this._socket || !socket?.connected) return; // the next `connect` resumes
    if (!res.ok) {
      if (res.error.code === 'unauthorized' && this._token) {
        this._forgetToken();
        socket.disconnect().connect();
      } else {
        this._later('resume', Math.min(30_000, 1000 * 2 ** this._resumeFailures++), () => void this._resume());
      }
      return;
    }
    this._resumeFailures = 0;
    const { token, visitorId, conversation, messages, availability, welcome, attachments, emails } = res.data;
    this.availability = availability ?? null;
    this.welcome = welcome;
    this.attachments = attachments ?? null;
    this.emails = !!emails;
    this._token = token;
    this._own();
    save(this._opts.storage, this._keys.token, token);
    this.visitorId = visitorId;
    this.conversation = conversation;
    // The visitor has no conversation (it was erased, GDPR): what this page showed goes too.
    if (!conversation) this.store = new MessageStore();
    this._ready = true;
    this.status = 'online';
    this._wake(true);
    if (this.lastError === 'rate_limited' && !this.outbox.some((i) => i.retryAt)) this._settle({ ok: true, data: null });
    for (const item of this.outbox) if (item.error && RETRIED.includes(item.error)) delete item.error;
    this._releaseWaiting();
    this._receive(messages, this._historyLoaded);
    this._historyLoaded = true;
    // A long conversation comes in pages: ask for the next one.
    if (messages.length >= LIMITS.historyPage) {
      this.store.settle(conversation!.id, messages.at(-1)!.seq);
      return void this._resume();
    }
    if (conversation) this.store.settle(conversation.id, conversation.lastSeq);
    void this._flush();
  }

  /** Sends the outbox in order, one at a time, while online. */
  private async _flush(): Promise<void> {
    if (this._flushing) return;
    this._flushing = true;
    try {
      let item: OutboxItem | undefined;
      // An item waiting out a rate limit, a reconnect or the store holds back those after it
      // (the order is the visitor's); only one refused for good is passed over.
      while (this._ready && (item = this.outbox.find(goesByItself)) && !item.retryAt && !item.error) {
        const { clientId, text, left } = item;
        const res = await (left ? this._request('offline:leave', { clientId, text, ...left }) : this._request('message:send', { clientId, text }));
        if (res.ok) {
          this.lastError = null;
          this.retryAt = null;
          this._storeFailures = 0;
          this._setConversation(res.data.conversation);
          this._receive([res.data.message], true);
          if (!left) this._expectAnswer(res.data.message);
          continue;
        }
        if (!this.outbox.includes(item)) continue; // confirmed meanwhile by a broadcast
        const { code } = res.error;
        if (code === 'unavailable' && !this._socket?.connected) break; // resent on reconnect
        item.error = code;
        if (!RETRIED.includes(code)) this.lastError = code;
        const wait = code === 'rate_limited' ? res.error.retryAfterMs : undefined;
        if (wait !== undefined) {
          // Later messages would be refused too: they wait with it, in order.
          this.retryAt = item.retryAt = Date.now() + Math.max(1000, wait);
          this._releaseWaiting();
        }
        this._persistOutbox();
        this._changed();
        // Not stored (a full disk), or no ack on a connection that still looks open (a stalled
        // network, a busy server): sent again in place, later and later. A dead connection is
        // engine.io's heartbeat to find; closing it here would reconnect a slow server's every
        // visitor at once, and again.
        if (RETRIED.includes(code)) this._retryStore();
        if (RETRIED.includes(code) || wait !== undefined) break; // keep the order: later ones wait
      }
    } finally {
      this._flushing = false;
    }
  }

  /**
   * The server could not store the message (issue 11: its disk is full): sent again after 1, 2,
   * 4… s up to 30 s, each wait jittered so that a site's visitors do not all come back at once
   * when the space is freed. The store's dedupe by client id makes every resend harmless.
   */
  private _retryStore(): void {
    const { firstMs = 1000, maxMs = 30_000 } = this._opts.storeRetry ?? {};
    const delay = Math.min(maxMs, firstMs * 2 ** this._storeFailures++);
    this._later('store-retry', delay * (0.5 + Math.random() / 2), () => {
      for (const item of this.outbox) if (item.error && RETRIED.includes(item.error)) delete item.error;
      this._changed();
      void this._flush();
    });
  }

  private _receive(messages: readonly ChatMessage[], live: boolean): void {
    const added = this.store.add(messages);
    const confirmed = new Set(messages.map((m) => m.clientId));
    // Stored, from whichever tab: never sent again from storage by this one or the next page.
    const stored = load(this._opts.storage, this._keys.outbox) ?? '';
    let elsewhere = false;
    for (const id of confirmed) if (id) this._mine.add(id), (elsewhere ||= stored.includes(id));
    if (elsewhere || this.outbox.some((i) => confirmed.has(i.clientId))) {
      this.outbox = this.outbox.filter((i) => !confirmed.has(i.clientId));
      this._persistOutbox();
    }
    for (const m of added) {
      if (m.streamId) this.streams = this.streams.filter((s) => s.streamId !== m.streamId);
      if (m.author === 'ai' || m.author === 'agent') this._thinking(false);
      if (m.author === 'agent') this.agentTyping = null;
    }
    this._changed(live ? added : []);
  }

  private _setConversation(c: VisitorConversation): void {
    const current = this.conversation;
    // A late update about an older conversation must not replace the current one.
    if (current && c.id !== current.id && c.createdAt < current.createdAt) return;
    // Nor one of the same conversation read before its latest change: every status change is a
    // message, so it has a lower `lastSeq` (a queue position sent by another process just before an
    // agent joined would put the visitor back in the queue). Equal: a newer queue position.
    if (current && c.id === current.id && c.lastSeq < current.lastSeq) return;
    this.conversation = c;
    if (c.status !== 'bot') this._thinking(false);
  }

  /** After a send while the AI answers: "writing…" until its answer (or a person) arrives. */
  private _expectAnswer(sent: ChatMessage): void {
    const answered = this.store.list.some(
      (m) => m.conversationId === sent.conversationId && m.seq > sent.seq && m.author !== 'visitor',
    );
    if (this.conversation?.status === 'bot' && !answered && !this.streams.length) this._thinking(true);
    this._changed();
  }

  private _thinking(on: boolean): void {
    this.aiThinking = on;
    if (on) this._later('thinking', 60_000, () => ((this.aiThinking = false), this._changed()));
  }

  private async _request<E extends Command>(
    event: E,
    payload: Parameters<VisitorClientEvents[E]>[0],
  ): Promise<AckResult<AckData<E>>> {
    const socket = this._socket;
    if (socket?.connected) {
      try {
        const emit = socket.timeout(this._opts.ackTimeoutMs ?? ACK_TIMEOUT_MS).emitWithAck as (
          ev: E,
          p: typeof payload,
        ) => Promise<AckResult<AckData<E>>>;
        const res = await emit.call(socket, event, payload);
        if (res && typeof res === 'object' && 'ok' in res) return res;
        return { ok: false, error: { code: 'internal', message: 'malformed acknowledgement' } };
      } catch {
        // No ack in time, or the connection dropped: reported as `unavailable` below.
      }
    }
    return { ok: false, error: { code: 'unavailable', message: 'not connected' } };
  }

  /**
   * Sends what a rate limit held back once its wait is over (now, or by a timer set for the
   * earliest); items that are still waiting stay marked.
   */
  private _releaseWaiting(): void {
    const now = Date.now();
    let next = Infinity;
    let released = false;
    for (const item of this.outbox) {
      if (!item.retryAt) continue;
      if (item.retryAt <= now) {
        delete item.retryAt;
        delete item.error;
        released = true;
      } else next = Math.min(next, item.retryAt);
    }
    if (next < Infinity) this._later('rate', next - now, () => this._releaseWaiting());
    if (released) {
      this._persistOutbox();
      this._changed();
      void this._flush();
    }
  }

  /** Keeps a command's refusal for the alert line (or clears it) and re-renders. */
  private _settle(res: AckResult<unknown>): boolean {
    this.lastError = res.ok ? null : res.error.code;
    const wait = res.ok ? undefined : res.error.retryAfterMs;
    this.retryAt = wait === undefined ? null : Date.now() + wait;
    this._changed();
    return res.ok;
  }

  private _persistOutbox(): void {
    // Another tab's unsent messages (written offline there, for this same visitor) stay: the
    // next page load sends them. A session that is no longer this one's is not added to.
    const { storage } = this._opts;
    const others =
      load(storage, this._keys.token) === this._token ? loadOutbox(load(storage, this._keys.outbox)).filter((i) => !this._mine.has(i.clientId)) : [];
    const keep = [...others, ...this.outbox.filter(goesByItself)];
    if (keep.length) this._own();
    save(this._opts.storage, this._keys.outbox, keep.length ? JSON.stringify(keep) : null);
  }

  /** Settles what waits for the connection (`_whenReady`): ready, or not coming (stopped, refused). */
  private _wake(ready: boolean): void {
    for (const go of this._onReady.splice(0)) go(ready);
  }

  private _own(): void {
    const { owner } = this._opts;
    if (owner !== undefined) save(this._opts.storage, this._keys.user, owner || null);
  }

  private _forgetToken(): void {
    this._token = null;
    save(this._opts.storage, this._keys.token, null);
  }

  private _later(name: string, ms: number, fn: () => void): void {
    clearTimeout(this._timers.get(name));
    this._timers.set(name, setTimeout(fn, ms));
  }

  private _changed(added: ChatMessage[] = []): void {
    this.onChange(added);
  }
}
