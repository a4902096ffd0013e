import { isChatMessage, type AgentConversationPatch, type ChatMessage } from '@support-chat/shared';
import type { ConversationRecord } from '../store/types.js';

/** Where coalesced patches go: every agent, the team's followers, one agent's sockets, a conversation's watchers. */
export interface InboxPatchSink {
  /** Every agent socket: queued conversations, which someone should pick up soon. */
  toEveryone(patches: AgentConversationPatch[]): void;
  /**
   * Sockets that follow the team (`inbox:follow`): they show conversations that are neither their
   * agent's nor queued (Team, AI-handled, Offline, Closed, search results).
   */
  toTeamFollowers(patches: AgentConversationPatch[]): void;
  toAgent(agentId: string, patches: AgentConversationPatch[]): void;
  /**
   * To one agent's sockets that are not watching the conversation: those have every message of
   * it as `message:created` already, and the console updates the row from that.
   */
  toAgentUnlessWatching(agentId: string, patch: AgentConversationPatch): void;
  /**
   * Read receipts to the sockets watching the conversation (its "Seen" marker), but for
   * `exceptAgentId`'s, which `toAgent` reaches: a socket that does not follow the team hears of
   * no other change of a colleague's or the AI's conversation it has open but its messages.
   */
  toWatchers(patch: AgentConversationPatch, exceptAgentId?: string): void;
}

/** A patch waiting for its agent, and whether read receipts moved (watchers need those too). */
interface AgentPatch {
  patch: AgentConversationPatch;
  reads: boolean;
}

/** Read receipts waiting for a conversation's watchers, and the assigned agent `toAgent` reaches. */
interface WatcherPatch {
  patch: AgentConversationPatch;
  assignedAgentId?: string;
}

export interface InboxPatchOptions {
  /** The short tick: queued conversations to everyone, assigned ones to their agent (ms). */
  fastMs?: number;
  /** The long tick: every row, for the sockets that follow the team (ms). */
  slowMs?: number;
}

/**
 * Inbox rows move with every message; sending each agent a frame per message of every
 * conversation made the frames grow with agents × messages (issue 9: 200 agents meant 200 inbox
 * frames per visitor message). Here changes wait for a tick and each conversation is sent once
 * with its latest state. Who needs a row soon gets it on the short tick: everyone for a queued
 * visitor (someone should pick it up), the assigned agent for their own conversations, the
 * watchers of a conversation for its read receipts. The long tick refreshes the rows of the
 * team's, the AI's and closed conversations, and only for the consoles that show them
 * (`toTeamFollowers`): sent to every agent, 200 busy conversations were ~70 KB a second for each
 * of 200 agents, most of them looking at their own conversations.
 */
export class InboxPatches {
  private readonly urgentForAll = new Map<string, AgentConversationPatch>();
  private readonly urgentForAgent = new Map<string, Map<string, AgentPatch>>();
  private readonly readsForWatchers = new Map<string, WatcherPatch>();
  private readonly forFollowers = new Map<string, AgentConversationPatch>();
  private readonly fastMs: number;
  private readonly slowMs: number;
  private fastTimer: NodeJS.Timeout | undefined;
  private slowTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: InboxPatchSink,
    { fastMs = 50, slowMs = 1000 }: InboxPatchOptions = {},
  ) {
    this.fastMs = fastMs;
    this.slowMs = slowMs;
  }

  /** A message was stored (`lastMessage`) or read receipts moved (no message) in `conversation`. */
  add(conversation: ConversationRecord, lastMessage?: ChatMessage): void {
    const patch = toPatch(conversation, lastMessage);
    if (conversation.status === 'queued') {
      merge(this.urgentForAll, patch);
      this.scheduleFast();
    } else if (conversation.status === 'assigned' && conversation.assignedAgentId) {
      let mine = this.urgentForAgent.get(conversation.assignedAgentId);
      if (!mine) this.urgentForAgent.set(conversation.assignedAgentId, (mine = new Map()));
      const waiting = mine.get(patch.id);
      mine.set(patch.id, { patch: waiting ? merged(waiting.patch, patch) : patch, reads: (waiting?.reads ?? false) || !lastMessage });
      this.scheduleFast();
    }
    // Read receipts move no row's place or preview, but the "Seen" marker of whoever has the
    // conversation open: everyone has a queued one's already, and the assigned agent through toAgent.
    if (!lastMessage && conversation.status !== 'queued') {
      const waiting = this.readsForWatchers.get(patch.id);
      this.readsForWatchers.set(patch.id, {
        patch: waiting ? merged(waiting.patch, patch) : patch,
        assignedAgentId: conversation.status === 'assigned' ? (conversation.assignedAgentId ?? undefined) : undefined,
      });
      this.scheduleFast();
    }
    merge(this.forFollowers, patch);
    this.slowTimer ??= setTimeout(() => this.flushSlow(), this.slowMs).unref();
  }

  /** Sends what waits now (tests, shutdown). */
  flush(): void {
    this.flushUrgent();
    this.flushSlow();
  }

  dispose(): void {
    clearTimeout(this.fastTimer);
    clearTimeout(this.slowTimer);
    this.urgentForAll.clear();
    this.urgentForAgent.clear();
    this.readsForWatchers.clear();
    this.forFollowers.clear();
  }

  private scheduleFast(): void {
    this.fastTimer ??= setTimeout(() => this.flushUrgent(), this.fastMs).unref();
  }

  /** Sends what the short tick would send now. */
  flushUrgent(): void {
    clearTimeout(this.fastTimer);
    this.fastTimer = undefined;
    if (this.urgentForAll.size > 0) {
      this.sink.toEveryone([...this.urgentForAll.values()]);
      this.urgentForAll.clear();
    }
    for (const [agentId, patches] of this.urgentForAgent) {
      const withReads: AgentConversationPatch[] = [];
      for (const { patch, reads } of patches.values()) {
        if (reads) withReads.push(patch);
        else this.sink.toAgentUnlessWatching(agentId, patch);
      }
      if (withReads.length > 0) this.sink.toAgent(agentId, withReads);
    }
    this.urgentForAgent.clear();
    for (const { patch, assignedAgentId } of this.readsForWatchers.values()) this.sink.toWatchers(patch, assignedAgentId);
    this.readsForWatchers.clear();
  }

  private flushSlow(): void {
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    if (this.forFollowers.size === 0) return;
    this.sink.toTeamFollowers([...this.forFollowers.values()]);
    this.forFollowers.clear();
  }
}

function toPatch(conversation: ConversationRecord, message: ChatMessage | undefined): AgentConversationPatch {
  const patch: AgentConversationPatch = {
    id: conversation.id,
    lastSeq: conversation.lastSeq,
    updatedAt: conversation.updatedAt,
    visitorReadSeq: conversation.visitorReadSeq ?? 0,
    agentReadSeq: conversation.agentReadSeq ?? 0,
  };
  // A system line or a note moves the row (seq, time) but the preview stays on what was said.
  if (message && isChatMessage(message)) {
    patch.lastMessage = { author: message.author, kind: message.kind, text: message.text.slice(0, 200), createdAt: message.createdAt };
  }
  return patch;
}

function merge(into: Map<string, AgentConversationPatch>, patch: AgentConversationPatch): void {
  const previous = into.get(patch.id);
  into.set(patch.id, previous ? merged(previous, patch) : patch);
}

/** Later changes win, but a read receipt (no message) keeps the message an earlier change brought. */
function merged(previous: AgentConversationPatch, patch: AgentConversationPatch): AgentConversationPatch {
  return {
    id: patch.id,
    lastSeq: Math.max(previous.lastSeq, patch.lastSeq),
    updatedAt: Math.max(previous.updatedAt, patch.updatedAt),
    visitorReadSeq: Math.max(previous.visitorReadSeq ?? 0, patch.visitorReadSeq ?? 0),
    agentReadSeq: Math.max(previous.agentReadSeq ?? 0, patch.agentReadSeq ?? 0),
    ...(patch.lastMessage && patch.lastSeq >= previous.lastSeq
      ? { lastMessage: patch.lastMessage }
      : previous.lastMessage
        ? { lastMessage: previous.lastMessage }
        : {}),
  };
}
