/**
 * The agent's side of the `/agent` namespace: owns the socket, turns commands into acked emits
 * and server events into `ConsoleState`, and re-syncs after a reconnect (re-list the inbox,
 * re-watch the open conversation after the last seq seen). No rendering: components subscribe.
 */
import { io, type Socket } from 'socket.io-client';
import {
  ACK_TIMEOUT_MS,
  LIMITS,
  NAMESPACES,
  type AckResult,
  type AgentClientEvents,
  type AgentConversation,
  type AgentProfile,
  type AgentServerEvents,
  type TypingChangedEvent,
} from '@support-chat/shared';
import { conversationUpdated, emptyInbox, inboxLoaded, markSeen, type InboxState } from './inbox-state.js';
import { TypingThrottle, newClientId } from '../internal/connection.js';
import * as t from './transcript-state.js';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/** `unauthorized`: the session cookie is missing or expired; the console shows the login form. */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unauthorized';

export interface ConsoleState {
  readonly status: ConnectionStatus;
  readonly inbox: InboxState;
  readonly openId: string | null;
  readonly transcript: t.TranscriptState | null;
  /** The last thing that failed, for the alert region; cleared by `dismissNotice()`. */
  readonly notice: string | null;
}

export interface AgentConnectionOptions {
  agent: AgentProfile;
  createSocket?: () => AgentSocket;
  now?: () => number;
  createId?: () => string;
  ackTimeoutMs?: number;
  /** A typing indicator with no `typing: false` (a closed tab) expires after this long. */
  typingExpiryMs?: number;
}

type AckData<E extends keyof AgentClientEvents> =
  Parameters<AgentClientEvents[E]>[1] extends ((result: AckResult<infer T>) => void) | undefined ? T : never;

export class AgentConnection {
  readonly agent: AgentProfile;
  private _state: ConsoleState = {
    status: 'connecting',
    inbox: emptyInbox(),
    openId: null,
    transcript: null,
    notice: null,
  };
  private readonly listeners = new Set<(state: ConsoleState) => void>();
  private readonly socket: AgentSocket;
  private readonly now: () => number;
  private readonly createId: () => string;
  private readonly ackTimeoutMs: number;
  private readonly typingExpiryMs: number;
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private throttle: TypingThrottle | null = null;

  constructor({
    agent,
    createSocket = () => io(NAMESPACES.agent, { withCredentials: true, autoConnect: false }),
    now = () => Date.now(),
    createId = newClientId,
    ackTimeoutMs = ACK_TIMEOUT_MS,
    typingExpiryMs = 10_000,
  }: AgentConnectionOptions) {
    this.agent = agent;
    this.now = now;
    this.createId = createId;
    this.ackTimeoutMs = ackTimeoutMs;
    this.typingExpiryMs = typingExpiryMs;
    this.socket = createSocket();
    this.listen();
  }

  get state(): ConsoleState {
    return this._state;
  }

  get openConversation(): AgentConversation | undefined {
    const { openId, inbox } = this._state;
    return openId ? inbox.byId.get(openId) : undefined;
  }

  subscribe(listener: (state: ConsoleState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.socket.connected) return;
    this.set({ status: this._state.status === 'online' ? 'online' : 'connecting' });
    this.socket.connect();
  }

  stop(): void {
    this.throttle?.set(false);
    this.throttle = null;
    this.clearTypingTimers();
    this.socket.disconnect();
    this.listeners.clear();
  }

  dismissNotice(): void {
    if (this._state.notice) this.set({ notice: null });
  }

  async refreshInbox(): Promise<void> {
    const result = await this.command('inbox:list', {});
    if (!result.ok) return this.fail('Could not load the inbox', result.error.message);
    this.set({ inbox: inboxLoaded(this._state.inbox, result.data.conversations, this._state.openId) });
  }

  /** Opens (watches) a conversation, closing the previous one; `null` closes. */
  open(conversationId: string | null): void {
    const previous = this._state.openId;
    if (previous === conversationId) return;
    this.throttle?.set(false);
    this.throttle = null;
    this.clearTypingTimers();
    if (previous) {
      void this.command('conversation:unwatch', { conversationId: previous }).then((r) => {
        if (!r.ok) console.warn('[support-console] unwatch failed', r.error);
      });
    }
    const inbox = conversationId ? markSeen(this._state.inbox, conversationId) : this._state.inbox;
    this.set({
      openId: conversationId,
      inbox,
      transcript: conversationId ? t.emptyTranscript(conversationId) : null,
    });
    if (!conversationId) return;
    this.throttle = new TypingThrottle((typing) => this.socket.emit('typing:set', { conversationId, typing }));
    void this.watch(conversationId, 0);
  }

  async claim(): Promise<boolean> {
    return this.conversationCommand('conversation:claim', 'Could not claim the conversation');
  }

  async close(): Promise<boolean> {
    return this.conversationCommand('conversation:close', 'Could not close the conversation');
  }

  /** Sends a reply to the open conversation; false when there was nothing to send. */
  send(text: string): boolean {
    const transcript = this._state.transcript;
    const trimmed = text.trim();
    if (!transcript || !trimmed) return false;
    if (trimmed.length > LIMITS.messageChars) {
      this.fail('Message too long', `Keep it under ${LIMITS.messageChars} characters.`);
      return false;
    }
    this.throttle?.set(false);
    const pending = { clientId: this.createId(), text: trimmed, createdAt: this.now() };
    this.patchTranscript(transcript.conversationId, (s) => t.addPending(s, pending));
    void this.deliver(transcript.conversationId, pending.clientId, trimmed);
    return true;
  }

  /** Re-sends a failed reply with its original clientId (the server dedupes). */
  retry(clientId: string): void {
    const transcript = this._state.transcript;
    const pending = transcript?.pending.find((p) => p.clientId === clientId);
    if (!transcript || !pending) return;
    this.patchTranscript(transcript.conversationId, (s) => t.addPending(s, pending));
    void this.deliver(transcript.conversationId, clientId, pending.text);
  }

  discard(clientId: string): void {
    const id = this._state.transcript?.conversationId;
    if (id) this.patchTranscript(id, (s) => t.discardPending(s, clientId));
  }

  /** The composer's input: `true` per keystroke (throttled), `false` when cleared. */
  typing(active: boolean): void {
    this.throttle?.set(active);
  }

  private listen(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.set({ status: 'online' });
      void this.resync();
    });
    s.on('disconnect', () => {
      this.set({ status: s.active ? 'reconnecting' : 'offline' });
      const open = this._state.transcript;
      if (open) this.patchTranscript(open.conversationId, t.dropStreams);
    });
    s.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        s.disconnect();
        this.set({ status: 'unauthorized' });
      } else {
        this.set({ status: s.active ? 'reconnecting' : 'offline' });
      }
    });
    s.on('conversation:updated', (c) =>
      this.set({ inbox: conversationUpdated(this._state.inbox, c, this._state.openId) }),
    );
    s.on('message:created', (m) =>
      this.patchTranscript(m.conversationId, (state) => t.clearTypingOf(t.mergeMessages(state, [m]), m)),
    );
    s.on('ai:token', (e) => this.patchTranscript(e.conversationId, (state) => t.applyToken(state, e, this.now())));
    s.on('ai:stream-aborted', (e) => this.patchTranscript(e.conversationId, (state) => t.abortStream(state, e.streamId)));
    s.on('typing:changed', (e) => this.onTyping(e));
  }

  /** After (re)connecting: the inbox may have moved on and the open transcript missed messages. */
  private async resync(): Promise<void> {
    const transcript = this._state.transcript;
    await Promise.all([
      this.refreshInbox(),
      transcript ? this.watch(transcript.conversationId, t.lastSeq(transcript)) : undefined,
    ]);
  }

  private async watch(conversationId: string, afterSeq: number): Promise<void> {
    const result = await this.command('conversation:watch', { conversationId, afterSeq });
    if (this._state.openId !== conversationId) return;
    if (!result.ok) return this.fail('Could not open the conversation', result.error.message);
    this.set({ inbox: conversationUpdated(this._state.inbox, result.data.conversation, conversationId) });
    this.patchTranscript(conversationId, (s) => t.markLoaded(t.mergeMessages(s, result.data.messages)));
  }

  private async deliver(conversationId: string, clientId: string, text: string): Promise<void> {
    const result = await this.command('message:send', { conversationId, clientId, text });
    this.patchTranscript(conversationId, (s) =>
      result.ok ? t.mergeMessages(s, [result.data.message]) : t.failPending(s, clientId, result.error.message),
    );
  }

  private async conversationCommand(
    event: 'conversation:claim' | 'conversation:close',
    failure: string,
  ): Promise<boolean> {
    const conversationId = this._state.openId;
    if (!conversationId) return false;
    const result = await this.command(event, { conversationId });
    if (!result.ok) {
      this.fail(failure, result.error.message);
      return false;
    }
    this.set({ inbox: conversationUpdated(this._state.inbox, result.data.conversation, this._state.openId) });
    return true;
  }

  private onTyping(event: TypingChangedEvent): void {
    if (event.author === 'agent' && event.name === this.agent.name) return;
    const key = `${event.author}:${event.name ?? ''}`;
    clearTimeout(this.typingTimers.get(key));
    this.typingTimers.delete(key);
    if (event.typing) {
      const expire = () => this.onTyping({ ...event, typing: false });
      this.typingTimers.set(key, setTimeout(expire, this.typingExpiryMs));
    }
    this.patchTranscript(event.conversationId, (s) => t.applyTyping(s, event));
  }

  private clearTypingTimers(): void {
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
  }

  /** Emits a command and waits for its ack; a timeout or a dropped socket becomes an error result. */
  private async command<E extends keyof AgentClientEvents>(
    event: E,
    payload: Parameters<AgentClientEvents[E]>[0],
  ): Promise<AckResult<AckData<E>>> {
    const timed = this.socket.timeout(this.ackTimeoutMs);
    // socket.io's emitWithAck cannot be called with a generic event name; the event map above
    // still types both the payload and the result.
    const emit = timed.emitWithAck as unknown as (
      ev: E,
      p: typeof payload,
    ) => Promise<AckResult<AckData<E>>>;
    try {
      return await emit.call(timed, event, payload);
    } catch (cause) {
      console.warn(`[support-console] ${event} got no answer`, cause);
      return { ok: false, error: { code: 'unavailable', message: 'The server did not answer in time.' } };
    }
  }

  private patchTranscript(conversationId: string, update: (s: t.TranscriptState) => t.TranscriptState): void {
    const current = this._state.transcript;
    if (!current || current.conversationId !== conversationId) return;
    const next = update(current);
    if (next !== current) this.set({ transcript: next });
  }

  private fail(what: string, why: string): void {
    this.set({ notice: `${what}: ${why}` });
  }

  private set(patch: Partial<ConsoleState>): void {
    this._state = { ...this._state, ...patch };
    for (const listener of this.listeners) listener(this._state);
  }
}
