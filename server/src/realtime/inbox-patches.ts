import { isChatMessage, type AgentConversationPatch, type ChatMessage } from '@support-chat/shared';
import type { ConversationRecord } from '../store/types.js';

/** Where coalesced patches go: every agent, or the sockets of one agent. */
export interface InboxPatchSink {
  toEveryone(patches: AgentConversationPatch[]): void;
  toAgent(agentId: string, patches: AgentConversationPatch[]): void;
  /**
   * To one agent's sockets that are not watching the conversation: those have every message of
   * it as `message:created` already, and the console updates the row from that.
   */
  toAgentUnlessWatching(agentId: string, patch: AgentConversationPatch): void;
}

/** A patch waiting for its agent, and whether read receipts moved (watchers need those too). */
interface AgentPatch {
  patch: AgentConversationPatch;
  reads: boolean;
}

export interface InboxPatchOptions {
  /** The short tick: queued conversations to everyone, assigned ones to their agent (ms). */
  fastMs?: number;
  /** The long tick: every row, for the rest of the team (ms). */
  slowMs?: number;
}

/**
 * Inbox rows move with every message; sending each agent a frame per message of every
 * conversation made the frames grow with agents × messages (issue 9: 200 agents meant 200 inbox
 * frames per visitor message). Here changes wait for a tick and each conversation is sent once
 * with its latest state. Who needs a row soon gets it on the short tick: everyone for a queued
 * visitor (someone should pick it up), the assigned agent for their own conversations. Everyone
 * else's view of the team's, the AI's and closed conversations is refreshed on the long tick.
 */
export class InboxPatches {
  private readonly urgentForAll = new Map<string, AgentConversationPatch>();
  private readonly urgentForAgent = new Map<string, Map<string, AgentPatch>>();
  private readonly forAll = new Map<string, AgentConversationPatch>();
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
    merge(this.forAll, patch);
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
    this.forAll.clear();
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
  }

  private flushSlow(): void {
    clearTimeout(this.slowTimer);
    this.slowTimer = undefined;
    if (this.forAll.size === 0) return;
    this.sink.toEveryone([...this.forAll.values()]);
    this.forAll.clear();
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
