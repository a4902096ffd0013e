/**
 * The inbox as immutable state and pure transitions: what `inbox:list` returned, patched live by
 * `conversation:updated`. Every transition returns a new object (Lit compares by identity).
 * The server sends every queued conversation and pages of the rest (issue 9); `more` holds the
 * cursor of each paged section that has more, asked for when the agent scrolls or opens its tab.
 */
import { isChatMessage, type AgentConversation, type AgentConversationPatch, type ChatMessage, type InboxListing, type InboxPageSection } from '@support-chat/shared';

export interface InboxState {
  readonly loaded: boolean;
  /** The signed-in agent: decides what is "Mine" and what needs their attention. */
  readonly me: string;
  readonly byId: ReadonlyMap<string, AgentConversation>;
  /**
   * Conversations that need this agent and that they have not opened since: newly queued, a new
   * offline message, newly assigned to them, or a visitor's new message in one of theirs.
   */
  readonly unread: ReadonlySet<string>;
  /** Cursors of the server's sections that have more to page in. */
  readonly more: InboxListing['more'];
}

export const SECTION_KEYS = ['queued', 'mine', 'bot', 'offline', 'team', 'closed'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export type InboxSections = Record<SectionKey, AgentConversation[]>;

/** The sections whose arrivals call for the agent (sound, notification, tab title). */
const ATTENTION: ReadonlySet<SectionKey> = new Set(['queued', 'offline', 'mine']);

export function emptyInbox(me: string): InboxState {
  return { loaded: false, me, byId: new Map(), unread: new Set(), more: {} };
}

/**
 * A full list from the server (first load or after a reconnect). What arrived meanwhile counts as
 * unread, except on the very first load (nothing is "new" then).
 */
export function inboxLoaded(
  state: InboxState,
  conversations: readonly AgentConversation[],
  openId: string | null,
  more: InboxListing['more'] = {},
): InboxState {
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const unread = new Set<string>();
  for (const c of byId.values()) {
    if (c.id === openId || !ATTENTION.has(sectionOf(c, state.me))) continue;
    const known = state.unread.has(c.id) || (state.loaded && calls(state.byId.get(c.id), c, state.me));
    if (known || unseenReply(c, state.me)) unread.add(c.id);
  }
  return { ...state, loaded: true, byId, unread, more };
}

/**
 * A further page of one server section: added to what is held (a version already held and newer
 * wins), its cursor replaced. Older conversations are not arrivals: only an unseen reply in one
 * of mine counts as unread.
 */
export function inboxPageLoaded(
  state: InboxState,
  section: InboxPageSection,
  conversations: readonly AgentConversation[],
  more: InboxListing['more'],
): InboxState {
  const byId = new Map(state.byId);
  let unread = state.unread;
  for (const c of conversations) {
    const previous = byId.get(c.id);
    if (previous && isNewer(previous, c)) continue;
    byId.set(c.id, previous ? keepReads(previous, c) : c);
    if (!previous && unseenReply(c, state.me)) unread = new Set(unread).add(c.id);
  }
  const { [section]: _done, ...others } = state.more;
  return { ...state, byId, unread, more: more[section] ? { ...others, [section]: more[section] } : others };
}

/**
 * A section's first page listed again, because its rows may have moved on while the console did
 * not follow the team (`inbox:follow`): newer versions replace what is held, as with any page. The
 * cursor stays the console's: the pages held beyond the first are older, and a row that changed
 * came first.
 */
export function inboxSectionRefreshed(state: InboxState, section: InboxPageSection, conversations: readonly AgentConversation[]): InboxState {
  return inboxPageLoaded(state, section, conversations, state.more);
}

/**
 * The server sections of what a tab shows that is neither the agent's own nor queued: the server
 * sends those rows only to consoles that follow the team (issue 9), so a tab with any is followed
 * while open, and these are listed again when following starts. Offline also lists the AI's
 * conversations in which a visitor left a message.
 */
export function teamSectionsOf(tab: SectionKey): InboxPageSection[] {
  switch (tab) {
    case 'team':
    case 'bot':
    case 'closed':
      return [tab];
    case 'offline':
      return ['bot'];
    case 'mine':
    case 'queued':
      return [];
  }
}

/** The server sections that fill a tab: Queued (and Offline, which are queued) are never paged. */
export function pagedSectionsOf(tab: SectionKey): InboxPageSection[] {
  return tab === 'mine' || tab === 'bot' || tab === 'team' || tab === 'closed' ? [tab] : [];
}

/** Whether the server holds more of this tab than the console does. */
export function hasMore(state: InboxState, tab: SectionKey): boolean {
  return pagedSectionsOf(tab).some((section) => state.more[section] !== undefined);
}

/** Upserts one conversation unless we already hold a newer version (events can cross acks). */
export function conversationUpdated(
  state: InboxState,
  conversation: AgentConversation,
  openId: string | null,
): InboxState {
  const previous = state.byId.get(conversation.id);
  if (previous && isNewer(previous, conversation)) return state;
  const byId = new Map(state.byId);
  byId.set(conversation.id, previous ? keepReads(previous, conversation) : conversation);
  let unread = state.unread;
  if (!ATTENTION.has(sectionOf(conversation, state.me))) {
    if (unread.has(conversation.id)) unread = withoutId(unread, conversation.id);
  } else if (state.loaded && conversation.id !== openId && calls(previous, conversation, state.me)) {
    unread = new Set(unread).add(conversation.id);
  }
  return { ...state, byId, unread };
}

/**
 * New messages and read receipts (`inbox:patched`), merged into the rows we hold; a row we do not
 * hold is left to its `conversation:updated` or the next full list.
 */
export function inboxPatched(
  state: InboxState,
  patches: readonly AgentConversationPatch[],
  openId: string | null,
): InboxState {
  let next = state;
  for (const patch of patches) {
    const previous = next.byId.get(patch.id);
    if (previous) next = conversationUpdated(next, applyPatch(previous, patch), openId);
  }
  return next;
}

/**
 * What a message changes in its inbox row. The server sends no row patch to a socket watching
 * the conversation (it has the message itself), so the console applies this one, with the
 * server's rule: a system line or a note moves the row but does not become its preview.
 */
export function messagePatch(m: ChatMessage): AgentConversationPatch {
  // No time of its own (0: `applyPatch` keeps the larger): the server's `updatedAt` moves only a
  // second at a time (server/src/store/activity-step.ts), so the message's exact time here would
  // make the server's next version of this same seq look older than the row. The row sorts by the
  // message's own time (`lastActivity`).
  const patch: AgentConversationPatch = { id: m.conversationId, lastSeq: m.seq, updatedAt: 0 };
  if (isChatMessage(m)) patch.lastMessage = { author: m.author, kind: m.kind, text: m.text.slice(0, 200), createdAt: m.createdAt };
  return patch;
}

/** A row with a patch applied (also used for search results). */
export function applyPatch(conversation: AgentConversation, patch: AgentConversationPatch): AgentConversation {
  if (isNewer(conversation, { ...conversation, ...patch })) {
    // An older patch (a batch that crossed a whole update) still carries read receipts.
    return keepReads({ ...conversation, ...pickReads(patch) }, conversation);
  }
  const { lastMessage, ...rest } = patch;
  return { ...conversation, ...rest, updatedAt: Math.max(conversation.updatedAt, rest.updatedAt), ...(lastMessage ? { lastMessage } : {}) };
}

function pickReads(patch: AgentConversationPatch): Partial<AgentConversation> {
  return { visitorReadSeq: patch.visitorReadSeq ?? 0, agentReadSeq: patch.agentReadSeq ?? 0 };
}

/**
 * Whether this change calls for the agent: the conversation entered one of the attention sections,
 * or the visitor wrote again in one of theirs.
 */
function calls(previous: AgentConversation | undefined, next: AgentConversation, me: string): boolean {
  const section = sectionOf(next, me);
  if (!ATTENTION.has(section)) return false;
  if (!previous || sectionOf(previous, me) !== section) return true;
  const last = next.lastMessage;
  return section === 'mine' && last?.author === 'visitor' && last.createdAt > (previous.lastMessage?.createdAt ?? 0);
}

/** One of mine where the visitor wrote last and I have not read it (the server keeps my read seq). */
function unseenReply(c: AgentConversation, me: string): boolean {
  return sectionOf(c, me) === 'mine' && c.lastMessage?.author === 'visitor' && (c.agentReadSeq ?? c.lastSeq) < c.lastSeq;
}

/** Conversations that no longer exist (an admin erased their visitor's data): gone from every tab. */
export function inboxErased(state: InboxState, ids: readonly string[]): InboxState {
  if (!ids.some((id) => state.byId.has(id))) return state;
  const byId = new Map(state.byId);
  const unread = new Set(state.unread);
  for (const id of ids) {
    byId.delete(id);
    unread.delete(id);
  }
  return { ...state, byId, unread };
}

export function markSeen(state: InboxState, id: string): InboxState {
  return state.unread.has(id) ? { ...state, unread: withoutId(state.unread, id) } : state;
}

/** Ids that became unread between two states: what the sound and the notification announce. */
export function arrivals(before: InboxState | null, after: InboxState): string[] {
  if (!before || before.unread === after.unread) return [];
  return [...after.unread].filter((id) => !before.unread.has(id));
}

/**
 * Read receipts only move forward, but a read does not bump `updatedAt`: two updates of the same
 * version can arrive in either order, and the one computed before the read must not undo it.
 */
function keepReads(previous: AgentConversation, next: AgentConversation): AgentConversation {
  const visitorReadSeq = Math.max(previous.visitorReadSeq ?? 0, next.visitorReadSeq ?? 0);
  const agentReadSeq = Math.max(previous.agentReadSeq ?? 0, next.agentReadSeq ?? 0);
  if (visitorReadSeq === (next.visitorReadSeq ?? 0) && agentReadSeq === (next.agentReadSeq ?? 0)) return next;
  return { ...next, ...(visitorReadSeq ? { visitorReadSeq } : {}), ...(agentReadSeq ? { agentReadSeq } : {}) };
}

/**
 * Which of two versions of a row is later: `lastSeq` first (every message moves it), then
 * `updatedAt`, which a message moves only a second at a time (server/src/store/activity-step.ts).
 */
function isNewer(a: AgentConversation, b: AgentConversation): boolean {
  return a.lastSeq > b.lastSeq || (a.lastSeq === b.lastSeq && a.updatedAt > b.updatedAt);
}

function withoutId(set: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(set);
  next.delete(id);
  return next;
}

/** When the visitor started waiting: the queue order is oldest first. */
export function queuedSince(c: AgentConversation): number {
  return c.queuedAt ?? c.updatedAt;
}

function lastActivity(c: AgentConversation): number {
  return c.lastMessage?.createdAt ?? c.updatedAt;
}

/**
 * The inbox tabs. Queued and Offline: oldest first (who waited longest is served first). Mine,
 * AI-handled and Team (assigned to a colleague): latest activity first. Closed: latest closed
 * first, as many as were paged in.
 */
export function inboxSections(state: InboxState): InboxSections {
  const sections: InboxSections = { queued: [], mine: [], bot: [], offline: [], team: [], closed: [] };
  for (const c of state.byId.values()) sections[sectionOf(c, state.me)].push(c);
  const byWait = (a: AgentConversation, b: AgentConversation) => queuedSince(a) - queuedSince(b) || a.id.localeCompare(b.id);
  const byActivity = (a: AgentConversation, b: AgentConversation) =>
    lastActivity(b) - lastActivity(a) || a.id.localeCompare(b.id);
  sections.queued.sort(byWait);
  sections.offline.sort(byWait);
  sections.mine.sort(byActivity);
  sections.bot.sort(byActivity);
  sections.team.sort(byActivity);
  sections.closed.sort((a, b) => (b.closedAt ?? b.updatedAt) - (a.closedAt ?? a.updatedAt));
  return sections;
}

/** Where work is, first to last: the console opens on the first of these that holds any. */
const WORK_ORDER: readonly SectionKey[] = ['mine', 'queued', 'offline', 'bot', 'team'];

/**
 * The tab to open on when the agent has not picked one (issue 13: automatic assignment gave the
 * waiting visitors to the agent signing in, and the console opened on an empty queue): Mine when
 * it holds conversations, else the queue, else whatever is going on; the queue when nothing is.
 */
export function sectionWithWork(sections: InboxSections): SectionKey {
  return WORK_ORDER.find((key) => sections[key].length > 0) ?? 'queued';
}

/**
 * Where a conversation is listed. A message left while nobody was available stays under Offline
 * until someone takes it (then it is theirs, like any other).
 */
export function sectionOf(c: AgentConversation, myAgentId: string): SectionKey {
  switch (c.status) {
    case 'closed':
      return 'closed';
    case 'assigned':
      return c.assignedAgentId === myAgentId ? 'mine' : 'team';
    case 'queued':
    case 'bot':
      return c.leftMessage ? 'offline' : c.status;
  }
}

/** The conversation `step` rows away in the list (j / k), staying put at either end. */
export function neighbour(list: readonly AgentConversation[], currentId: string | null, step: 1 | -1): string | null {
  if (list.length === 0) return null;
  const index = list.findIndex((c) => c.id === currentId);
  if (index < 0) return list[step === 1 ? 0 : list.length - 1]!.id;
  return list[Math.min(list.length - 1, Math.max(0, index + step))]!.id;
}
