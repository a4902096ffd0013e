/**
 * The agent's side of the `/agent` namespace: owns the socket, turns commands into acked emits
 * and server events into `ConsoleState`, and re-syncs after a reconnect (re-list the inbox, the
 * team and the canned replies, re-watch the open conversation after the last seq seen). No
 * rendering: components subscribe.
 */
import {
  ACK_TIMEOUT_MS,
  LIMITS,
  type AckResult,
  type AgentClientEvents,
  type AgentConversation,
  type AgentPresence,
  type AgentProfile,
  type ErrorBody,
  type InboxPageSection,
  type LabelCount,
  type TypingChangedEvent,
} from '@support-chat/shared';
import { errorText, fill, t as words } from './i18n/locale.js';
import type { Catalog } from './i18n/catalog.js';
import {
  applyPatch,
  conversationUpdated,
  inboxErased,
  inboxLoaded,
  inboxPageLoaded,
  inboxPatched,
  inboxSectionRefreshed,
  markSeen,
  messagePatch,
  pagedSectionsOf,
  teamSectionsOf,
  type SectionKey,
} from './inbox-state.js';
import { initialState, openConversation, type ConsoleState } from './console-state.js';
import { TypingThrottle, newClientId } from '@support-chat/shared/browser/typing.js';
import { createAgentSocket, sendCommand, type AckData, type AgentSocket, type CommandPayload } from './agent-socket.js';
import { presenceChanged, teamLoaded } from './team-state.js';
import { labelFilterUpdated } from './label-filter.js';
import * as t from './transcript-state.js';

export type { AgentSocket } from './agent-socket.js';

export type { ConnectionStatus, ConsoleState, DraftState, SearchState } from './console-state.js';

export interface AgentConnectionOptions {
  agent: AgentProfile;
  createSocket?: () => AgentSocket;
  now?: () => number;
  createId?: () => string;
  ackTimeoutMs?: number;
  /** A typing indicator with no `typing: false` (a closed tab) expires after this long. */
  typingExpiryMs?: number;
  /** Whether the agent can see the console now (read receipts are only sent then). */
  isVisible?: () => boolean;
  /** Backoff of resends the server could not store: doubles from `firstMs` up to `maxMs`. */
  storeRetry?: { firstMs?: number; maxMs?: number };
}

type ConversationCommand =
  | 'conversation:claim'
  | 'conversation:close'
  | 'conversation:reopen'
  | 'conversation:handback';

type NoticeKey = Exclude<keyof Catalog['shell']['notices'], 'keepUnder' | 'resending'>;

export class AgentConnection {
  readonly agent: AgentProfile;
  private _state: ConsoleState;
  private readonly listeners = new Set<(state: ConsoleState) => void>();
  private readonly socket: AgentSocket;
  private readonly now: () => number;
  private readonly createId: () => string;
  private readonly ackTimeoutMs: number;
  private readonly typingExpiryMs: number;
  private readonly isVisible: () => boolean;
  private readonly typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private throttle: TypingThrottle | null = null;
  /** Highest seq reported read, per conversation: each is sent once. */
  private readonly readSent = new Map<string, number>();
  private searchRun = 0;
  /** Inbox pages asked for and not answered yet, by cursor: each is asked once. */
  private readonly pagesAsked = new Set<string>();
  private readonly storeRetry: { firstMs: number; maxMs: number };
  /** Sends in a row the server could not store, and the resends waiting for their turn. */
  private storeFailures = 0;
  private readonly resendTimers = new Set<ReturnType<typeof setTimeout>>();
  /** The inbox tab on screen; null while another page (reports, settings) is. */
  private showing: SectionKey | null = null;
  /**
   * Whether this console wants the team's rows (`inbox:follow`). The server keeps it per socket:
   * it is said again on every connect.
   */
  private followingTeam = false;
  /** Counts changes of `followingTeam`: a list answered after one is not known fresh. */
  private followChanges = 0;
  /** The last `inbox:follow` sent: a list waits for it, so the server reads it after the join. */
  private followAnswered: Promise<unknown> = Promise.resolve();
  /** Sections listed while following and patched since: up to date without asking again. */
  private readonly freshSections = new Set<InboxPageSection>();

  constructor({
    agent,
    createSocket = createAgentSocket,
    now = () => Date.now(),
    createId = newClientId,
    ackTimeoutMs = ACK_TIMEOUT_MS,
    typingExpiryMs = 10_000,
    isVisible = () => typeof document === 'undefined' || document.visibilityState === 'visible',
    storeRetry: { firstMs = 1000, maxMs = 30_000 } = {},
  }: AgentConnectionOptions) {
    this.storeRetry = { firstMs, maxMs };
    this.agent = agent;
    this.now = now;
    this.createId = createId;
    this.ackTimeoutMs = ackTimeoutMs;
    this.typingExpiryMs = typingExpiryMs;
    this.isVisible = isVisible;
    this._state = initialState(agent.id);
    this.socket = createSocket();
    this.listen();
  }

  get state(): ConsoleState {
    return this._state;
  }

  get openConversation(): AgentConversation | undefined {
    return openConversation(this._state);
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
    for (const timer of this.resendTimers) clearTimeout(timer);
    this.resendTimers.clear();
    this.socket.disconnect();
    this.listeners.clear();
  }

  dismissNotice(): void {
    if (this._state.notice) this.set({ notice: null });
  }

  /** Lists the whole inbox again; false when it failed (the notice says why). */
  async refreshInbox(): Promise<boolean> {
    const result = await this.command('inbox:list', {});
    if (!result.ok) {
      this.fail('loadInbox', result.error);
      return false;
    }
    this.set({ inbox: inboxLoaded(this._state.inbox, result.data.conversations, this._state.openId, result.data.more) });
    return true;
  }

  /**
   * What the inbox shows: a tab, or null while another page is open. The server sends the rows
   * of conversations that are neither this agent's nor queued only to consoles that follow the
   * team (issue 9: every agent parsed every busy conversation's row each second): the console
   * follows while a tab or a search shows such rows, and lists what it shows again when it
   * starts, as those rows did not move while it did not follow.
   */
  showInbox(tab: SectionKey | null): void {
    this.showing = tab;
    this.followTeam();
  }

  /** The next page of what `tab` lists, when the server has more (the agent scrolled or opened it). */
  async loadMore(tab: SectionKey): Promise<void> {
    await Promise.all(
      pagedSectionsOf(tab).map(async (section) => {
        const cursor = this._state.inbox.more[section];
        if (cursor === undefined || this.pagesAsked.has(cursor)) return;
        this.pagesAsked.add(cursor);
        const result = await this.command('inbox:list', { section, cursor });
        this.pagesAsked.delete(cursor);
        if (!result.ok) return this.fail('loadMore', result.error);
        // A full re-list meanwhile (a reconnect) replaced the cursors: this page is stale.
        if (this._state.inbox.more[section] !== cursor) return;
        this.set({ inbox: inboxPageLoaded(this._state.inbox, section, result.data.conversations, result.data.more) });
      }),
    );
  }

  /**
   * Opens (watches) a conversation, closing the previous one; `null` closes. `known` is a version
   * to show until the watch answers (a search result the inbox does not list).
   */
  open(conversationId: string | null, known?: AgentConversation): void {
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
    let inbox = known ? conversationUpdated(this._state.inbox, known, conversationId) : this._state.inbox;
    if (conversationId) inbox = markSeen(inbox, conversationId);
    this.set({
      openId: conversationId,
      inbox,
      transcript: conversationId ? t.emptyTranscript(conversationId) : null,
      draft: null,
    });
    if (!conversationId) return;
    this.throttle = new TypingThrottle((typing) => this.socket.emit('typing:set', { conversationId, typing }));
    void this.watch(conversationId, 0);
  }

  claim(): Promise<boolean> {
    return this.conversationCommand('conversation:claim', 'claim');
  }

  close(): Promise<boolean> {
    return this.moveCommand('conversation:close', 'close');
  }

  reopen(): Promise<boolean> {
    return this.conversationCommand('conversation:reopen', 'reopen');
  }

  handback(): Promise<boolean> {
    return this.moveCommand('conversation:handback', 'handback');
  }

  async transfer(agentId: string): Promise<boolean> {
    const conversationId = this._state.openId;
    if (!conversationId) return false;
    return this.applyConversation(
      await this.command('conversation:transfer', { conversationId, agentId, handledBy: this.handledBy(conversationId) }),
      'transfer',
    );
  }

  /**
   * Who this console shows handling the conversation: a move is made only while that holds (two
   * teammates taking over an Away colleague's chat at once: the second is told, not obeyed).
   */
  private handledBy(conversationId: string): string | null | undefined {
    const shown = this._state.inbox.byId.get(conversationId);
    if (!shown) return undefined;
    return shown.status === 'assigned' ? (shown.assignedAgentId ?? null) : null;
  }

  private async moveCommand(event: 'conversation:close' | 'conversation:handback', failure: NoticeKey): Promise<boolean> {
    const conversationId = this._state.openId;
    if (!conversationId) return false;
    return this.applyConversation(await this.command(event, { conversationId, handledBy: this.handledBy(conversationId) }), failure);
  }

  /** Sends a reply (or, as `note`, an internal note) to the open conversation; false when empty. */
  send(text: string, kind: 'text' | 'note' = 'text'): boolean {
    const transcript = this._state.transcript;
    const trimmed = text.trim();
    if (!transcript || !trimmed) return false;
    if (trimmed.length > LIMITS.messageChars) {
      this.fail('tooLong', fill(words().shell.notices.keepUnder, { n: LIMITS.messageChars }));
      return false;
    }
    if (kind === 'text') this.throttle?.set(false);
    const pending: t.PendingMessage = { clientId: this.createId(), kind, text: trimmed, createdAt: this.now() };
    this.patchTranscript(transcript.conversationId, (s) => t.addPending(s, pending));
    void this.deliver(transcript.conversationId, pending);
    return true;
  }

  /** Re-sends a failed reply or note with its original clientId (the server dedupes). */
  retry(clientId: string): void {
    const transcript = this._state.transcript;
    const pending = transcript?.pending.find((p) => p.clientId === clientId);
    if (!transcript || !pending) return;
    this.patchTranscript(transcript.conversationId, (s) => t.addPending(s, pending));
    void this.deliver(transcript.conversationId, pending);
  }

  discard(clientId: string): void {
    const id = this._state.transcript?.conversationId;
    if (id) this.patchTranscript(id, (s) => t.discardPending(s, clientId));
  }

  /** The composer's input: `true` per keystroke (throttled), `false` when cleared. */
  typing(active: boolean): void {
    this.throttle?.set(active);
  }

  /** Asks the AI for a reply to the open conversation; it lands in `state.draft`. */
  async suggestDraft(): Promise<void> {
    const conversationId = this._state.openId;
    if (!conversationId || this._state.draft?.status === 'loading') return;
    this.set({ draft: { conversationId, status: 'loading', text: '', sources: [] } });
    const result = await this.command('draft:suggest', { conversationId });
    if (this._state.draft?.conversationId !== conversationId) return;
    this.set({
      draft: result.ok
        ? { conversationId, status: 'ready', text: result.data.text, sources: result.data.sources }
        : {
            conversationId,
            status: 'failed',
            text: '',
            sources: [],
            // `not_found` here means the knowledge has no answer: the generic "It no longer exists"
            // read as if the conversation were gone (a support team's probe, in Chinese).
            error: result.error.code === 'not_found' ? words().transcript.draftNothing : errorText(result.error),
          },
    });
  }

  /** The composer took the draft (or the agent dismissed it). */
  clearDraft(): void {
    if (this._state.draft) this.set({ draft: null });
  }

  async setPresence(status: 'online' | 'away'): Promise<boolean> {
    const before = this._state.presence;
    this.set({ presence: status });
    this.settingPresence++;
    const result = await this.command('presence:set', { status }).finally(() => this.settingPresence--);
    if (!result.ok) {
      this.set({ presence: before });
      this.fail('presence', result.error);
      return false;
    }
    this.set({ team: presenceChanged(this._state.team, result.data.presence), ...this.myPresenceIn([result.data.presence]) });
    return true;
  }

  /** Presence sets awaiting their ack: meanwhile a change of mine heard may predate them. */
  private settingPresence = 0;

  /** Searches by visitor, text and date; a newer search wins over one still running. */
  async search(query: string, range: { from?: number; to?: number; label?: string } = {}): Promise<void> {
    const run = ++this.searchRun;
    const payload: CommandPayload<'inbox:search'> = { query, ...range };
    this.set({ search: { query, ...range, busy: true, results: this._state.search?.results ?? null } });
    // Results may be anyone's: followed, so that they stay live (from after the search reads them).
    this.followTeam();
    await this.followAnswered;
    const result = await this.command('inbox:search', payload);
    if (run !== this.searchRun) return;
    if (!result.ok) {
      this.set({ search: { query, ...range, busy: false, results: [] } });
      return this.fail('search', result.error);
    }
    this.set({ search: { query, ...range, busy: false, results: result.data.conversations } });
  }

  /** Adds and removes labels of the open conversation; false when it failed (the notice says why). */
  async label(change: { add: string[]; remove: string[] }): Promise<boolean> {
    const id = this._state.openId;
    if (!id) return false;
    const result = await this.command('conversation:label', { conversationId: id, ...change });
    if (!result.ok) {
      this.fail('label', result.error.message);
      return false;
    }
    this.conversationChanged(result.data.conversation);
    return true;
  }

  /** The labels in use, most used first (suggestions, the inbox filter). */
  async labelsInUse(): Promise<LabelCount[]> {
    const result = await this.command('labels:list', {});
    return result.ok ? result.data.labels : [];
  }

  /** A page of the visitor's other conversations; null when it failed (the notice says why). */
  async visitorHistory(conversationId: string, cursor?: string): Promise<AckData<'conversation:history'> | null> {
    const result = await this.command('conversation:history', { conversationId, ...(cursor ? { cursor } : {}) });
    if (!result.ok) this.fail('history', result.error.message);
    return result.ok ? result.data : null;
  }

  /** One conversation's transcript, to read (nothing streams from it). */
  async readTranscript(conversationId: string): Promise<AckData<'conversation:transcript'> | null> {
    const result = await this.command('conversation:transcript', { conversationId });
    if (!result.ok) this.fail('open', result.error.message);
    return result.ok ? result.data : null;
  }

  clearSearch(): void {
    this.searchRun++;
    if (this._state.search) this.set({ search: null });
    this.followTeam();
  }

  /** Tells the server (and so the visitor) that the agent has seen the open conversation. */
  markRead(): void {
    const transcript = this._state.transcript;
    if (!transcript?.loaded || !this.isVisible() || this._state.status !== 'online') return;
    const seq = t.lastSeq(transcript);
    const id = transcript.conversationId;
    if (seq === 0 || (this.readSent.get(id) ?? 0) >= seq) return;
    this.readSent.set(id, seq);
    this.socket.emit('conversation:read', { conversationId: id, seq });
  }

  private listen(): void {
    const s = this.socket;
    s.on('connect', () => {
      this.set({ status: 'online' });
      void this.resync();
    });
    s.on('disconnect', () => {
      // Patches sent meanwhile are lost: the full list on reconnecting brings the rows back.
      this.freshSections.clear();
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
    // The server is about to disconnect this socket for good: no reconnect would be let in.
    s.on('session:ended', (e) => {
      s.disconnect();
      this.set({ status: 'unauthorized', signedOut: e });
    });
    s.on('conversation:updated', (c) => this.conversationChanged(c));
    s.on('inbox:patched', (patches) => {
      const search = this._state.search;
      const byId = new Map(patches.map((p) => [p.id, p]));
      const results = search?.results?.map((r) => {
        const patch = byId.get(r.id);
        return patch ? applyPatch(r, patch) : r;
      });
      this.set({
        inbox: inboxPatched(this._state.inbox, patches, this._state.openId),
        ...(search && results ? { search: { ...search, results } } : {}),
      });
    });
    s.on('message:updated', (m) => {
      this.patchTranscript(m.conversationId, (state) => t.replaceMessage(state, m));
    });
    s.on('message:created', (m) => {
      this.patchTranscript(m.conversationId, (state) => t.clearTypingOf(t.mergeMessages(state, [m]), m));
      this.set({ inbox: inboxPatched(this._state.inbox, [messagePatch(m)], this._state.openId) });
      if (m.conversationId === this._state.openId) this.markRead();
    });
    s.on('ai:token', (e) => this.patchTranscript(e.conversationId, (state) => t.applyToken(state, e, this.now())));
    s.on('ai:stream-aborted', (e) => this.patchTranscript(e.conversationId, (state) => t.abortStream(state, e.streamId)));
    s.on('typing:changed', (e) => this.onTyping(e));
    s.on('presence:changed', (p) => this.set({ team: presenceChanged(this._state.team, p), ...this.myPresenceIn([p]) }));
    s.on('canned:changed', () => void this.refreshCanned());
    s.on('conversations:erased', ({ conversationIds }) => this.erased(conversationIds));
  }

  /** An admin erased a visitor: their conversations leave the inbox, the search and the middle. */
  private erased(ids: readonly string[]): void {
    const gone = new Set(ids);
    const openId = this._state.openId;
    if (openId && gone.has(openId)) this.open(null);
    const search = this._state.search;
    this.set({
      inbox: inboxErased(this._state.inbox, ids),
      ...(search?.results ? { search: { ...search, results: search.results.filter((c) => !gone.has(c.id)) } } : {}),
    });
  }

  /** After (re)connecting: everything may have moved on, and the open transcript missed messages. */
  private async resync(): Promise<void> {
    const transcript = this._state.transcript;
    // The server forgets a choice of "away" when it restarts: say it again.
    if (this._state.presence === 'away') {
      // Until it is acked, the team's word on me may be from before it (a restarted server's Online).
      this.settingPresence++;
      void this.command('presence:set', { status: 'away' }).finally(() => this.settingPresence--);
    }
    await Promise.all([
      this.relist(),
      this.refreshTeam(),
      this.refreshCanned(),
      transcript ? this.watch(transcript.conversationId, t.resumeSeq(transcript)) : undefined,
    ]);
  }

  /** The whole inbox after a connect, following the team first if the console shows its rows (a new socket is in no room). */
  private async relist(): Promise<void> {
    if (this.followingTeam) this.sendFollow();
    await this.followAnswered;
    const changes = this.followChanges;
    const following = this.followingTeam;
    if (!(await this.refreshInbox()) || !following || changes !== this.followChanges) return;
    for (const section of ['team', 'bot', 'closed'] as const) this.freshSections.add(section);
  }

  /** Follows the team or stops, as what is shown asks; lists the shown tab's stale sections. */
  private followTeam(): void {
    const shown = this.showing;
    const wanted = shown !== null && (this._state.search !== null || teamSectionsOf(shown).length > 0);
    if (wanted !== this.followingTeam) {
      this.followingTeam = wanted;
      this.followChanges++;
      // Not following, no section stays fresh; starting to follow, none is yet.
      this.freshSections.clear();
      if (this.socket.connected) this.sendFollow();
    }
    // A search shows what it just read; the tab under it is listed when it shows again.
    if (wanted && shown && !this._state.search && this.socket.connected) void this.refreshStale(teamSectionsOf(shown));
  }

  private sendFollow(): void {
    const team = this.followingTeam;
    this.followAnswered = this.command('inbox:follow', { team }).then((result) => {
      if (!result.ok) console.warn('[support-console] inbox:follow failed', result.error);
    });
  }

  private async refreshStale(sections: readonly InboxPageSection[]): Promise<void> {
    const stale = sections.filter((section) => !this.freshSections.has(section));
    if (stale.length === 0) return;
    // Marked before the answer: showing the tab again meanwhile asks nothing more.
    for (const section of stale) this.freshSections.add(section);
    const changes = this.followChanges;
    await this.followAnswered;
    await Promise.all(
      stale.map(async (section) => {
        const result = await this.command('inbox:list', { section });
        if (!result.ok) {
          if (changes === this.followChanges) this.freshSections.delete(section);
          return this.fail('loadInbox', result.error);
        }
        this.set({ inbox: inboxSectionRefreshed(this._state.inbox, section, result.data.conversations) });
      }),
    );
  }

  /** Team and canned replies are helpers: a failure is logged, not put in front of the agent. */
  /**
   * My own status as the team has it: a console opened (or reloaded) while this agent is Away
   * said Online, while routing passed them by (a support team's probe); another tab's change
   * shows here too. Offline is only what another process saw before this socket counted.
   */
  private myPresenceIn(agents: readonly AgentPresence[]): { presence?: 'online' | 'away' } {
    const me = agents.find((a) => a.agentId === this.agent.id);
    return me && me.status !== 'offline' && this.settingPresence === 0 ? { presence: me.status } : {};
  }

  private async refreshTeam(): Promise<void> {
    const result = await this.command('team:list', {});
    if (result.ok) this.set({ team: teamLoaded(result.data.agents), ...this.myPresenceIn(result.data.agents) });
    else console.warn('[support-console] team:list failed', result.error);
  }

  private async refreshCanned(): Promise<void> {
    const result = await this.command('canned:list', {});
    if (result.ok) this.set({ canned: result.data.replies });
    else console.warn('[support-console] canned:list failed', result.error);
  }

  private async watch(conversationId: string, afterSeq: number): Promise<void> {
    const result = await this.command('conversation:watch', { conversationId, afterSeq });
    if (this._state.openId !== conversationId) return;
    if (!result.ok) return this.fail('open', result.error);
    this.set({ inbox: conversationUpdated(this._state.inbox, result.data.conversation, conversationId) });
    this.patchTranscript(conversationId, (s) => t.markLoaded(t.mergeMessages(s, result.data.messages)));
    this.markRead();
  }

  private async deliver(conversationId: string, pending: t.PendingMessage): Promise<void> {
    const payload = { conversationId, clientId: pending.clientId, text: pending.text };
    const result = await (pending.kind === 'note' ? this.command('note:add', payload) : this.command('message:send', payload));
    // Not stored (a full disk), or no answer in time (a stalled network or Redis, the process
    // killed): sent again by itself. A send that was stored after all comes back from the
    // dedupe as its stored copy, which settles it; left failed, the agent could discard a reply
    // the visitor has, or type it again and send it twice (operator probe).
    const again = !result.ok && (result.error.code === 'store_unavailable' || result.error.code === 'unavailable');
    this.patchTranscript(conversationId, (s) =>
      result.ok
        ? t.mergeMessages(s, [result.data.message])
        : t.failPending(s, pending.clientId, again ? fill(words().shell.notices.resending, { reason: errorText(result.error) }) : errorText(result.error)),
    );
    if (again) this.resendLater(conversationId, pending.clientId);
    if (result.ok) {
      this.storeFailures = 0;
      this.set({ inbox: inboxPatched(this._state.inbox, [messagePatch(result.data.message)], this._state.openId) });
    }
  }

  /**
   * The server could not store the send (issue 11: its disk is full, its database away), or did
   * not answer in time: it stays
   * in the transcript, and goes again after 1, 2, 4… s up to 30 s, jittered, while it is still
   * there and failed (the agent may have retried, discarded it or left the conversation). The
   * server's dedupe by client id makes every resend harmless.
   */
  private resendLater(conversationId: string, clientId: string): void {
    const { firstMs, maxMs } = this.storeRetry;
    const delay = Math.min(maxMs, firstMs * 2 ** this.storeFailures++) * (0.5 + Math.random() / 2);
    const timer = setTimeout(() => {
      this.resendTimers.delete(timer);
      const transcript = this._state.transcript;
      const failed = transcript?.conversationId === conversationId && transcript.pending.some((p) => p.clientId === clientId && p.error);
      if (failed) this.retry(clientId);
    }, delay);
    this.resendTimers.add(timer);
  }

  private async conversationCommand(event: ConversationCommand, failure: NoticeKey): Promise<boolean> {
    const conversationId = this._state.openId;
    if (!conversationId) return false;
    return this.applyConversation(await this.command(event, { conversationId }), failure);
  }

  private applyConversation(result: AckResult<{ conversation: AgentConversation }>, failure: NoticeKey): boolean {
    if (!result.ok) {
      this.fail(failure, result.error);
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

  private command<E extends keyof AgentClientEvents>(event: E, payload: CommandPayload<E>): Promise<AckResult<AckData<E>>> {
    return sendCommand(this.socket, this.ackTimeoutMs, event, payload);
  }

  private conversationChanged(c: AgentConversation): void {
    const search = this._state.search;
    const results = search?.results ? labelFilterUpdated(search, search.results.map((r) => (r.id === c.id ? c : r)), c) : undefined;
    this.set({
      inbox: conversationUpdated(this._state.inbox, c, this._state.openId),
      ...(search && results ? { search: { ...search, results } } : {}),
    });
  }

  private patchTranscript(conversationId: string, update: (s: t.TranscriptState) => t.TranscriptState): void {
    const current = this._state.transcript;
    if (!current || current.conversationId !== conversationId) return;
    const next = update(current);
    if (next !== current) this.set({ transcript: next });
  }

  /** Worded now, in the console's language (a notice shown before a switch keeps its words until dismissed). */
  private fail(what: NoticeKey, why: ErrorBody | string): void {
    const shell = words().shell;
    this.set({ notice: fill(shell.noticeJoin, { what: shell.notices[what], why: typeof why === 'string' ? why : errorText(why) }) });
  }

  private set(patch: Partial<ConsoleState>): void {
    this._state = { ...this._state, ...patch };
    for (const listener of this.listeners) listener(this._state);
  }
}
