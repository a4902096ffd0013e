/**
 * The inbox as immutable state and pure transitions: what `inbox:list` returned, patched live by
 * `conversation:updated`. Every transition returns a new object (Lit compares by identity).
 */
import type { AgentConversation } from '@support-chat/shared';

export interface InboxState {
  readonly loaded: boolean;
  readonly byId: ReadonlyMap<string, AgentConversation>;
  /** Conversations that became queued while this console was open and nobody here opened yet. */
  readonly unread: ReadonlySet<string>;
}

export const SECTION_KEYS = ['queued', 'mine', 'bot', 'team', 'closed'] as const;
export type SectionKey = (typeof SECTION_KEYS)[number];

export type InboxSections = Record<SectionKey, AgentConversation[]>;

/** How many closed conversations the Closed tab keeps; the server decides what "recent" means. */
export const CLOSED_LIMIT = 50;

export function emptyInbox(): InboxState {
  return { loaded: false, byId: new Map(), unread: new Set() };
}

/**
 * A full list from the server (first load or after a reconnect). Queued conversations the console
 * had not seen before count as unread, except on the very first load (they are not "new" then).
 */
export function inboxLoaded(
  state: InboxState,
  conversations: readonly AgentConversation[],
  openId: string | null,
): InboxState {
  const byId = new Map(conversations.map((c) => [c.id, c]));
  const unread = new Set<string>();
  for (const c of byId.values()) {
    if (c.status !== 'queued' || c.id === openId) continue;
    const wasKnownQueued = state.byId.get(c.id)?.status === 'queued';
    if (state.unread.has(c.id) || (state.loaded && !wasKnownQueued)) unread.add(c.id);
  }
  return { loaded: true, byId, unread };
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
  byId.set(conversation.id, conversation);
  let unread = state.unread;
  const becameQueued = conversation.status === 'queued' && previous?.status !== 'queued';
  if (becameQueued && conversation.id !== openId && state.loaded) {
    unread = new Set(unread).add(conversation.id);
  } else if (conversation.status !== 'queued' && unread.has(conversation.id)) {
    unread = withoutId(unread, conversation.id);
  }
  return { ...state, byId, unread };
}

export function markSeen(state: InboxState, id: string): InboxState {
  return state.unread.has(id) ? { ...state, unread: withoutId(state.unread, id) } : state;
}

function isNewer(a: AgentConversation, b: AgentConversation): boolean {
  return a.updatedAt > b.updatedAt || (a.updatedAt === b.updatedAt && a.lastSeq > b.lastSeq);
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
 * The inbox tabs. Queued: oldest first (who waited longest is served first). Mine, AI-handled and
 * Team (assigned to a colleague): latest activity first. Closed: latest closed first, capped.
 */
export function inboxSections(state: InboxState, myAgentId: string): InboxSections {
  const sections: InboxSections = { queued: [], mine: [], bot: [], team: [], closed: [] };
  for (const c of state.byId.values()) sections[sectionOf(c, myAgentId)].push(c);
  sections.queued.sort((a, b) => queuedSince(a) - queuedSince(b) || a.id.localeCompare(b.id));
  const byActivity = (a: AgentConversation, b: AgentConversation) =>
    lastActivity(b) - lastActivity(a) || a.id.localeCompare(b.id);
  sections.mine.sort(byActivity);
  sections.bot.sort(byActivity);
  sections.team.sort(byActivity);
  sections.closed.sort((a, b) => (b.closedAt ?? b.updatedAt) - (a.closedAt ?? a.updatedAt));
  sections.closed.length = Math.min(sections.closed.length, CLOSED_LIMIT);
  return sections;
}

export function sectionOf(c: AgentConversation, myAgentId: string): SectionKey {
  switch (c.status) {
    case 'queued':
      return 'queued';
    case 'bot':
      return 'bot';
    case 'closed':
      return 'closed';
    case 'assigned':
      return c.assignedAgentId === myAgentId ? 'mine' : 'team';
  }
}
