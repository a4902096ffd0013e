import { randomUUID } from 'node:crypto';
import type {
  AgentConversation,
  ChatMessage,
  ConversationRating,
  ConversationStatus,
  HandoffReason,
  Locale,
  MessageAuthor,
  SystemEvent,
  VisitorContext,
  VisitorConversation,
} from '@support-chat/shared';
import { INBOX_PAGE_SECTIONS, LIMITS, NOTE_WORDS_EN, systemNoteMarkdown, type Attachment, type HandoffRuleMatch, type InboxListing, type InboxPageSection, type SystemNote } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type { AgentRecord, AppendResult, ConversationRecord, ConversationSearch, MessageDraft, Store } from '../store/types.js';
import type { DomainEventBus } from './events.js';
import { isOpen, statusesAllowing } from './state.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The agent-facing identity the domain needs (never the password hash). */
export type Actor = Pick<AgentRecord, 'id' | 'name'>;

/** Estimates a queued visitor's wait from their place in the queue (routing/wait-estimate.ts). */
export interface WaitEstimate {
  estimate(position: number): Promise<number | undefined>;
}

/** What caused a hand-off, as the hand-off note says it (see `SystemNote`). */
export interface HandoffAbout {
  rule?: HandoffRuleMatch;
  detail?: string;
}

/** How recent an anonymous chat must be for signing in to take it along (`adoptVisitor`). */
export const ADOPT_WITHIN_MS = 60 * 60 * 1000;

/** How long after rating a conversation its visitor may change the rating (each change is an event for consoles and webhooks). */
export const RERATE_AFTER_MS = 10_000;

/**
 * The conversation domain: creating conversations, appending messages (dedupe + seq live in the
 * store), and every status change. Each change is announced on the event bus; nothing here knows
 * about sockets.
 */
export class ConversationService {
  private readonly agentNames = new Map<string, string>();

  private readonly waits: WaitEstimate | undefined;

  constructor(
    private readonly store: Store,
    private readonly bus: DomainEventBus,
    private readonly clock: Clock = systemClock,
    { waits }: { waits?: WaitEstimate } = {},
  ) {
    this.waits = waits;
  }

  /**
   * A visitor who signs in keeps the chat they started anonymously (README: a developer's probe
   * found it gone, the conversation left on the anonymous visitor): its conversations become the
   * signed user's, and consoles hear of each. Only a chat active within `ADOPT_WITHIN_MS`: on a
   * shared computer, whoever signs in next must not take an earlier stranger's chat into their
   * account (a review). Not while the user waits for or talks with a person on another device:
   * both would be open, and the visitor could reach only the newer one while an agent answered
   * in the other. Nor a chat that ever went to another browser by an emailed link (its sessions
   * restarted): the browser may hold it from a link someone passed on (a security probe: an
   * attacker's chat, forwarded, landed in the signed-in victim's account under their verified
   * name, and the agents' replies to the victim went to the attacker; the left message's address,
   * which the attacker can set to the victim's, is no proof of whose it is, a review). Nor one
   * that left a message for an address other than the user's verified `userEmail`: its replies
   * are emailed there. Returns what moved.
   */
  async adoptVisitor(anonymousVisitorId: string, userVisitorId: string, userEmail?: string): Promise<string[]> {
    const [theirs, mine] = await Promise.all([this.store.findLatestConversation(anonymousVisitorId), this.store.findLatestConversation(userVisitorId)]);
    const withPerson = mine?.status === 'queued' || mine?.status === 'assigned';
    if (!theirs || this.clock.now() - theirs.updatedAt > ADOPT_WITHIN_MS || withPerson) return [];
    if (((await this.store.getVisitor(anonymousVisitorId))?.sessionsFrom ?? 0) > 0) return [];
    const otherAddress = (conversation: ConversationRecord) => {
      const left = conversation.leftMessage?.email;
      return left !== undefined && left.toLowerCase() !== userEmail?.toLowerCase();
    };
    if ((await this.store.listVisitorConversations(anonymousVisitorId)).some(otherAddress)) return [];
    const moved = await this.store.adoptVisitor(anonymousVisitorId, userVisitorId, this.clock.now());
    for (const id of moved) {
      const conversation = await this.store.getConversation(id);
      if (conversation) this.bus.emit('conversationChanged', conversation);
    }
    return moved;
  }

  /** Whether the visitor has ever had a conversation. */
  async hasHistory(visitorId: string): Promise<boolean> {
    return (await this.store.findLatestConversation(visitorId)) !== null;
  }

  /** The visitor's latest conversation (open or closed) and the messages after `afterSeq`. */
  async resumeVisitor(
    visitorId: string,
    { afterSeq, conversationId, context }: { afterSeq: number; conversationId?: string; context?: VisitorContext },
  ): Promise<{ conversation: ConversationRecord | null; messages: ChatMessage[] }> {
    let conversation = await this.store.findLatestConversation(visitorId);
    if (!conversation) return { conversation: null, messages: [] };
    if (context && isOpen(conversation.status)) {
      const merged = mergeContext(conversation.context, context);
      // Each page the visitor opens resumes: only a change is written, and told to the consoles
      // (an agent saw the page the visitor had left until they reloaded; a probe).
      if (!sameContext(merged, conversation.context)) {
        await this.store.updateConversationContext(conversation.id, merged);
        conversation = { ...conversation, context: merged };
        this.bus.emit('contextChanged', conversation);
      }
    }
    const from = conversationId && conversationId !== conversation.id ? 0 : afterSeq;
    const messages = await this.store.listMessages(conversation.id, {
      afterSeq: from,
      limit: LIMITS.historyPage,
    });
    return { conversation, messages };
  }

  /**
   * The visitor's open conversation, created (AI first) when they have none. `admit` is asked
   * before one is created and refuses by throwing (the flood limits, issue 11): a visitor who has
   * an open conversation keeps writing in it, whatever the limits say.
   */
  async openConversationFor(
    visitorId: string,
    { locale, context, admit }: { locale: Locale; context?: VisitorContext; admit?: () => Promise<void> },
  ): Promise<ConversationRecord> {
    if (admit) {
      // The read the store's find-or-create would make first anyway: no extra cost.
      const latest = await this.store.findLatestConversation(visitorId);
      if (latest && isOpen(latest.status)) return latest;
    }
    return this.createConversationFor(visitorId, { locale, context, admit });
  }

  /** Admits (when asked) and opens the visitor's conversation: one they opened meanwhile is returned. */
  private async createConversationFor(
    visitorId: string,
    { locale, context, admit }: { locale: Locale; context?: VisitorContext | undefined; admit?: (() => Promise<void>) | undefined },
  ): Promise<ConversationRecord> {
    if (admit) await admit();
    const now = this.clock.now();
    // Visitors are persisted with their first conversation, not on connect: opening the widget
    // alone writes nothing. The store makes find-or-create atomic (two first messages racing).
    const { conversation, created } = await this.store.openConversation({
      id: randomUUID(),
      visitorId,
      status: 'bot',
      assignedAgentId: null,
      locale,
      context: context ?? {},
      lastSeq: 0,
      createdAt: now,
      updatedAt: now,
      queuedAt: null,
      closedAt: null,
    });
    if (created) {
      this.bus.emit('conversationCreated', conversation);
      this.bus.emit('conversationChanged', conversation);
    }
    return conversation;
  }

  async getConversation(id: string): Promise<ConversationRecord> {
    const conversation = await this.store.getConversation(id);
    if (!conversation) throw new ChatError('not_found', `No conversation ${id}`);
    return conversation;
  }

  /**
   * Appends a message and announces it; a retried send (same sender and clientId) is not announced
   * twice. Returns the conversation as the append left it (the store reads it in the same step).
   */
  async append(conversation: Pick<ConversationRecord, 'id'>, draft: MessageDraft, origin?: string): Promise<AppendResult> {
    return this.announce(await this.store.appendMessage(conversation.id, draft, this.clock.now()), origin);
  }

  /** The AI's answer, stored and announced only while the AI has the conversation; else null. */
  async appendAiAnswer(conversationId: string, draft: MessageDraft): Promise<AppendResult | null> {
    const appended = await this.store.appendWhileStatus(conversationId, 'bot', draft, this.clock.now());
    return appended ? this.announce(appended, undefined) : null;
  }

  private announce(result: AppendResult, origin: string | undefined): AppendResult {
    if (result.created) this.bus.emit('messageCreated', result.message, result.conversation, origin);
    return result;
  }

  async postVisitorMessage(
    visitorId: string,
    {
      clientId,
      text,
      locale,
      context,
      origin,
      admit,
    }: { clientId: string; text: string; locale: Locale; context?: VisitorContext; origin?: string; admit?: () => Promise<void> },
  ): Promise<{ message: ChatMessage; conversation: ConversationRecord; created: boolean }> {
    const draft: MessageDraft = { senderId: visitorId, author: 'visitor', kind: 'text', text, clientId };
    // Most sends go to the open conversation: one trip to the store, no read before it (issue 9).
    const appended = await this.store.appendToOpenConversation(visitorId, draft, this.clock.now());
    if (appended) return this.announce(appended, origin);
    const open = await this.createConversationFor(visitorId, { locale, context, admit });
    return this.append(open, draft, origin);
  }

  /** `origin`: the sending connection, which has the message in its ack (see `messageCreated`). */
  async postAgentMessage(
    agent: Actor,
    { conversationId, clientId, text, attachment }: { conversationId: string; clientId: string; text: string; attachment?: Attachment },
    origin?: string,
  ): Promise<ChatMessage> {
    const draft: MessageDraft = {
      senderId: agent.id,
      author: 'agent',
      authorName: agent.name,
      kind: 'text',
      text,
      clientId,
      ...(attachment ? { attachment } : {}),
    };
    // The check and the append in one trip to the store (issue 9); the conversation is read only
    // to say why a reply was refused.
    const appended = await this.store.appendIfAssignedTo(conversationId, agent.id, draft, this.clock.now());
    if (appended) return this.announce(appended, origin).message;
    const conversation = await this.getConversation(conversationId);
    // A resend of a reply stored before the conversation moved on (its ack was lost, then the
    // agent's grace ran out or the visitor closed): the reply is there, and is the answer.
    const stored = await this.store.findSentMessage(conversation.id, agent.id, clientId);
    if (stored) return stored;
    this.assertCanReply(conversation, agent);
    // Assigned to this agent by now (a claim committed after the first check): once more, checked.
    const retried = await this.store.appendIfAssignedTo(conversationId, agent.id, draft, this.clock.now());
    if (!retried) throw new ChatError('invalid_state', 'The conversation changed meanwhile: open it again.');
    return this.announce(retried, origin).message;
  }

  /** Only the agent handling an open conversation writes in it (replies and files alike). */
  assertCanReply(conversation: ConversationRecord, agent: Actor): void {
    if (conversation.status !== 'assigned' || conversation.assignedAgentId !== agent.id) {
      throw new ChatError(
        'invalid_state',
        conversation.status === 'closed'
          ? 'This conversation is closed.'
          : 'Claim the conversation before replying to it.',
      );
    }
  }

  /**
   * A message from an integration (the REST API, issue 13) in any open conversation, shown to the
   * visitor as an agent's under `authorName`; the conversation's state does not change. The same
   * `clientId` from the same integration again returns the stored message.
   */
  async postIntegrationMessage(
    integration: { id: string; name: string },
    { conversationId, clientId, text }: { conversationId: string; clientId: string; text: string },
  ): Promise<{ message: ChatMessage; created: boolean }> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'closed') throw new ChatError('invalid_state', 'This conversation is closed.');
    const { message, created } = await this.append(conversation, {
      senderId: `integration:${integration.id}`,
      author: 'agent',
      authorName: integration.name,
      kind: 'text',
      text,
      clientId,
      apiTokenId: integration.id,
    });
    return { message, created };
  }

  /** A note the server writes (hand-off, requeue): agents see it, visitors never do; `note` for consoles to word, `text` its English. */
  async addSystemNote(conversation: ConversationRecord, note: SystemNote): Promise<ChatMessage> {
    const text = systemNoteMarkdown(note, NOTE_WORDS_EN);
    const { message } = await this.append(conversation, { senderId: 'system', author: 'system', kind: 'note', text, note });
    return message;
  }

  /** An agent's internal note, in any conversation they can see; a retried send (same clientId) is stored once. */
  async addAgentNote(
    agent: Actor,
    { conversationId, clientId, text }: { conversationId: string; clientId: string; text: string },
  ): Promise<ChatMessage> {
    const conversation = await this.getConversation(conversationId);
    const { message } = await this.append(conversation, {
      senderId: agent.id,
      author: 'agent',
      authorName: agent.name,
      kind: 'note',
      text,
      clientId,
    });
    return message;
  }

  /**
   * Puts the conversation in the human queue, recording why. Idempotent: asking twice keeps the
   * first place. Announces `handedOff` so routing writes the hand-off note and assigns it.
   */
  async requestHuman(
    conversationId: string,
    reason: HandoffReason = 'visitor_request',
    /** What caused it, for the hand-off note: the rule that matched, or words the same in any language (a file's type). */
    about: HandoffAbout = {},
  ): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'queued' || conversation.status === 'assigned') return conversation;
    return this.transition(
      conversation,
      'queued',
      { queuedAt: this.clock.now(), assignedAgentId: null, handoffReason: reason },
      { type: 'queued', reason },
      statusesAllowing('queued'),
      { reason, ...about },
    );
  }

  /**
   * A person takes the conversation: an agent claims it (from the queue, or straight from the AI),
   * or automatic assignment gives it (`from: ['queued']`).
   */
  async claim(
    conversationId: string,
    agent: Actor,
    { from = ['bot', 'queued'] }: { from?: readonly ConversationStatus[] } = {},
  ): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'assigned' && conversation.assignedAgentId === agent.id) return conversation;
    if (conversation.status === 'assigned') {
      throw new ChatError('conflict', 'Another agent is already handling this conversation.');
    }
    this.agentNames.set(agent.id, agent.name);
    const takeover = conversation.status === 'bot' && !conversation.handoffReason;
    return this.claimTransition(conversation, agent, takeover, from);
  }

  private async claimTransition(
    conversation: ConversationRecord,
    agent: Actor,
    takeover: boolean,
    from: readonly ConversationStatus[],
  ): Promise<ConversationRecord> {
    try {
      return await this.transition(
        conversation,
        'assigned',
        {
          assignedAgentId: agent.id,
          humanInvolved: true,
          assignedAt: this.clock.now(),
          handoffReason: takeover ? 'agent_takeover' : undefined,
        },
        { type: 'assigned', agentName: agent.name },
        from,
      );
    } catch (error) {
      // Automatic assignment gave it to this same agent meanwhile: the claim is done, not refused.
      const current = await this.store.getConversation(conversation.id);
      if (current?.status === 'assigned' && current.assignedAgentId === agent.id) return current;
      throw error;
    }
  }

  /**
   * Gives an open conversation to another agent (a person's decision: capacity does not apply).
   * With `from`, only while it is still assigned as the caller saw it.
   */
  async transfer(conversationId: string, to: Actor, from?: SeenHandler): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'closed') throw new ChatError('invalid_state', 'This conversation is closed.');
    if (conversation.status === 'assigned' && conversation.assignedAgentId === to.id) return conversation;
    this.agentNames.set(to.id, to.name);
    return this.transition(
      conversation,
      'assigned',
      {
        assignedAgentId: to.id,
        humanInvolved: true,
        assignedAt: conversation.status === 'queued' ? this.clock.now() : undefined,
        handoffReason: conversation.handoffReason ? undefined : 'agent_takeover',
      },
      { type: 'transferred', agentName: to.name },
      [conversation.status],
      undefined,
      from,
    );
  }

  /** The AI answers again; the agent's capacity is freed. With `from`, as `transfer`'s. */
  async handBack(conversationId: string, from?: SeenHandler): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'bot') return conversation;
    return this.transition(conversation, 'bot', { assignedAgentId: null }, { type: 'returned_to_ai' }, ['queued', 'assigned'], undefined, from);
  }

  /**
   * Puts an assigned conversation back in the queue (its agent was gone too long), first in line:
   * it keeps the place it had when it was first queued (or when it was taken from the AI).
   * Returns null when it is no longer assigned to `agentId`.
   */
  async requeue(conversationId: string, agentId: string): Promise<ConversationRecord | null> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status !== 'assigned' || conversation.assignedAgentId !== agentId) return null;
    const queuedAt = conversation.queuedAt ?? conversation.assignedAt ?? conversation.createdAt;
    return this.transition(conversation, 'queued', { queuedAt, assignedAgentId: null }, { type: 'queued' }, ['assigned']);
  }

  /**
   * Reopens a closed conversation for the agent who asks. Only the visitor's latest conversation:
   * a visitor has at most one open conversation, and a newer one would be hidden behind it.
   */
  async reopen(conversationId: string, agent: Actor): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status !== 'closed') throw new ChatError('invalid_state', 'Only a closed conversation can be reopened.');
    const latest = await this.store.findLatestConversation(conversation.visitorId);
    if (latest && latest.id !== conversation.id) {
      throw new ChatError('conflict', 'The visitor has started a newer conversation since; answer there.');
    }
    this.agentNames.set(agent.id, agent.name);
    // An explicit exception to "closed stays closed" (state.ts): only an agent reopens, and only here.
    return this.transition(
      conversation,
      'assigned',
      { assignedAgentId: agent.id, closedAt: null, humanInvolved: true },
      { type: 'assigned', agentName: agent.name },
      ['closed'],
    );
  }

  /**
   * The visitor's thumbs up / down on an AI answer, stored on the message (reports count it);
   * rating again changes it. Only AI answers in the visitor's own conversations: anything else is
   * `not_found`, without saying whether the message exists.
   */
  async rateAnswer(visitorId: string, messageId: string, helpful: boolean): Promise<ChatMessage> {
    const message = await this.store.setMessageFeedback(messageId, visitorId, helpful ? 'helpful' : 'not_helpful');
    if (!message) throw new ChatError('not_found', 'There is no answer of the assistant with that id in your conversations.');
    this.bus.emit('messageUpdated', message);
    return message;
  }

  /** The visitor's 1–5 rating of their closed conversation; rating again replaces it. */
  async rate(
    visitorId: string,
    { conversationId, score, comment }: { conversationId: string; score: number; comment?: string },
  ): Promise<ConversationRecord> {
    const conversation = await this.store.getConversation(conversationId);
    // Another visitor's conversation does not exist as far as this visitor can tell.
    if (!conversation || conversation.visitorId !== visitorId) throw new ChatError('not_found', 'No such conversation.');
    if (conversation.status !== 'closed') throw new ChatError('invalid_state', 'A conversation can be rated once it is closed.');
    // The same rating again changes nothing: no write, no event (a probe's 58 re-rates queued 58
    // webhook deliveries and as many broadcasts); a change waits RERATE_AFTER_MS after the last
    // (alternating scores went around the first rule, a review).
    const previous = conversation.rating;
    if (previous?.score === score && previous.comment === (comment || undefined)) return conversation;
    if (previous && this.clock.now() - previous.ratedAt < RERATE_AFTER_MS) {
      throw new ChatError('rate_limited', 'You rated this conversation a moment ago: change it in a few seconds.');
    }
    const rating: ConversationRating = { score: score as ConversationRating['score'], ratedAt: this.clock.now() };
    if (comment) rating.comment = comment;
    const updated = await this.store.transitionConversation(conversationId, ['closed'], { rating });
    if (!updated) throw new ChatError('invalid_state', 'A conversation can be rated once it is closed.');
    this.bus.emit('conversationRated', updated);
    this.bus.emit('conversationChanged', updated);
    return updated;
  }

  /** The visitor has seen their latest conversation up to `seq`. */
  async markVisitorRead(visitorId: string, seq: number): Promise<void> {
    const conversation = await this.store.findLatestConversation(visitorId);
    if (conversation) await this.markRead(conversation.id, 'visitor', seq);
  }

  /**
   * The handling agent's read state (anyone's while nobody handles it): a colleague peeking at a
   * conversation does not mark it read for the agent who answers it.
   */
  async markAgentRead(agentId: string, conversationId: string, seq: number): Promise<void> {
    const conversation = await this.getConversation(conversationId);
    if (!conversation.assignedAgentId || conversation.assignedAgentId === agentId) {
      await this.markRead(conversation.id, 'agent', seq);
    }
  }

  private async markRead(conversationId: string, reader: 'visitor' | 'agent', seq: number): Promise<void> {
    const updated = await this.store.markConversationRead(conversationId, reader, seq);
    if (updated) this.bus.emit('readStateChanged', updated);
  }

  /**
   * Nobody was available: the visitor leaves a message and an email address. It is stored as
   * their message in their open conversation (or a new one), which waits in the queue marked as
   * an offline message. A retried send (same clientId) changes nothing.
   */
  async leaveMessage(
    visitorId: string,
    input: {
      clientId: string;
      email: string;
      name?: string;
      text: string;
      locale: Locale;
      context?: VisitorContext;
      origin?: string;
      admit?: () => Promise<void>;
    },
  ): Promise<{ message: ChatMessage; conversation: ConversationRecord }> {
    const posted = await this.postVisitorMessage(visitorId, input);
    if (!posted.created) return posted;
    const leftMessage = input.name ? { email: input.email, name: input.name } : { email: input.email };
    const { conversation } = posted;
    if (conversation.status === 'bot') {
      const queued = await this.transition(
        conversation,
        'queued',
        { queuedAt: this.clock.now(), assignedAgentId: null, handoffReason: 'offline_message', leftMessage },
        { type: 'queued', reason: 'offline_message' },
        statusesAllowing('queued'),
        { reason: 'offline_message' },
      );
      return { message: posted.message, conversation: queued };
    }
    const patch = conversation.status === 'queued' ? { leftMessage, handoffReason: 'offline_message' as const } : { leftMessage };
    const updated = await this.store.transitionConversation(conversation.id, [conversation.status], patch);
    if (updated) this.bus.emit('conversationChanged', updated);
    return { message: posted.message, conversation: updated ?? conversation };
  }

  async close(conversationId: string, by: MessageAuthor, from?: SeenHandler): Promise<ConversationRecord> {
    const conversation = await this.getConversation(conversationId);
    if (conversation.status === 'closed') return conversation;
    return this.transition(conversation, 'closed', { closedAt: this.clock.now() }, { type: 'closed', by }, undefined, undefined, from);
  }

  /**
   * Moves the conversation (compare-and-set on its status), writes the event line, then announces
   * it: `handedOff` first when it went to people from the AI, so the hand-off note is under way
   * before routing, which hears `conversationChanged`, assigns it.
   */
  private async transition(
    conversation: ConversationRecord,
    to: ConversationStatus,
    patch: Partial<ConversationRecord>,
    event: SystemEvent,
    from: readonly ConversationStatus[] = statusesAllowing(to),
    handoff?: { reason: HandoffReason } & HandoffAbout,
    seen?: SeenHandler,
  ): Promise<ConversationRecord> {
    const updated = await this.store.transitionConversation(
      conversation.id,
      from,
      { ...patch, status: to, updatedAt: this.clock.now() },
      seen,
    );
    if (!updated) {
      const current = await this.getConversation(conversation.id);
      if (seen && current.status !== 'closed' && (current.assignedAgentId ?? null) !== seen.assignedAgentId) {
        throw new ChatError('conflict', 'Someone else moved this conversation meanwhile: look again.');
      }
      throw new ChatError(
        current.status === 'assigned' && to === 'assigned' ? 'conflict' : 'invalid_state',
        `The conversation is ${current.status} and cannot become ${to}.`,
      );
    }
    const { conversation: current } = await this.append(updated, {
      senderId: 'system',
      author: 'system',
      kind: 'event',
      text: describeEvent(event),
      event,
    });
    if (handoff) this.bus.emit('handedOff', { conversation: current, ...handoff });
    this.bus.emit('conversationChanged', current);
    return current;
  }

  /** `queuePosition` when the caller already knows it (it read the queue in order), else it is looked up. */
  async toVisitorView(conversation: ConversationRecord, known: { queuePosition?: number } = {}): Promise<VisitorConversation> {
    const queuePosition = await this.queuePositionOf(conversation, known);
    return {
      id: conversation.id,
      status: conversation.status,
      queuePosition,
      estimatedWaitSeconds: queuePosition && this.waits ? await this.waits.estimate(queuePosition) : undefined,
      agentName: conversation.assignedAgentId ? await this.agentName(conversation.assignedAgentId) : undefined,
      lastSeq: conversation.lastSeq,
      createdAt: conversation.createdAt,
      rating: conversation.rating ?? undefined,
      messageLeft: conversation.leftMessage ? true : undefined,
    };
  }

  /**
   * `known`: what the caller already holds (the queue place), not read again. The row previews
   * the last chat message (`isChatMessage`), not a system line or a note that came after it.
   */
  async toAgentView(conversation: ConversationRecord, known: { queuePosition?: number } = {}): Promise<AgentConversation> {
    const last = conversation.lastSeq > 0 ? await this.store.lastChatMessage(conversation.id) : null;
    return {
      id: conversation.id,
      visitorId: conversation.visitorId,
      status: conversation.status,
      assignedAgentId: conversation.assignedAgentId ?? undefined,
      assignedAgentName: conversation.assignedAgentId
        ? await this.agentName(conversation.assignedAgentId)
        : undefined,
      queuePosition: await this.queuePositionOf(conversation, known),
      lastSeq: conversation.lastSeq,
      lastMessage: last
        ? { author: last.author, kind: last.kind, text: last.text.slice(0, 200), createdAt: last.createdAt }
        : undefined,
      context: conversation.context,
      createdAt: conversation.createdAt,
      updatedAt: conversation.updatedAt,
      queuedAt: conversation.queuedAt ?? undefined,
      closedAt: conversation.closedAt ?? undefined,
      handoffReason: conversation.handoffReason ?? undefined,
      leftMessage: conversation.leftMessage ?? undefined,
      visitorReadSeq: conversation.visitorReadSeq ?? 0,
      agentReadSeq: conversation.agentReadSeq ?? 0,
      rating: conversation.rating ?? undefined,
      humanInvolved: conversation.humanInvolved ?? false,
      labels: conversation.labels ?? [],
    };
  }

  /** Only a queued conversation has a place: the others need no query. */
  private async queuePositionOf(conversation: ConversationRecord, known: { queuePosition?: number }): Promise<number | undefined> {
    if (conversation.status !== 'queued') return undefined;
    return known.queuePosition ?? (await this.store.queuePosition(conversation.id)) ?? undefined;
  }

  /** Whether the AI stored a message with `clientId` after `afterSeq` (its answer to a question). */
  async hasAiAnswer(conversationId: string, clientId: string, afterSeq: number): Promise<boolean> {
    const after = await this.store.listMessages(conversationId, { afterSeq, limit: 50 });
    return after.some((m) => m.author === 'ai' && m.clientId === clientId);
  }

  /** Everything agents may see of a conversation (notes included), after `afterSeq`. */
  async history(conversationId: string, afterSeq = 0): Promise<ChatMessage[]> {
    return this.store.listMessages(conversationId, { afterSeq, includeNotes: true, limit: LIMITS.historyPage });
  }

  /** The last `limit` chat turns before `beforeSeq` (no notes, no system lines): the AI's memory. */
  async recentTurns(conversationId: string, beforeSeq: number, limit: number): Promise<ChatMessage[]> {
    const messages = await this.store.listMessages(conversationId, {
      afterSeq: Math.max(0, beforeSeq - 1 - limit * 2),
      limit: limit * 2,
    });
    return messages.filter((m) => m.seq < beforeSeq && m.kind === 'text').slice(-limit);
  }

  /** The console's search: by visitor id, visitor attribute or message text, newest first. */
  async search(query: ConversationSearch): Promise<ConversationRecord[]> {
    return this.store.searchConversations({ ...query, text: query.text || undefined });
  }

  /**
   * The inbox (issue 9: listing everything cost 27 ms and 397 KB at 10k conversations). Without
   * `section`: every queued conversation, always (a flood of chats must never hide a visitor who
   * waits for a person), plus the first page of each other section. With it: the page of that
   * section after `cursor`, newest activity first.
   */
  async listInbox(
    agentId: string,
    { section, cursor, limit = LIMITS.inboxPage }: { section?: InboxPageSection; cursor?: string; limit?: number } = {},
  ): Promise<InboxListing> {
    const sections = section ? [section] : INBOX_PAGE_SECTIONS;
    const pages = await Promise.all(sections.map((s) => this.inboxPage(agentId, s, cursor === undefined ? undefined : parseCursor(cursor), limit)));
    const queue = section ? [] : await this.store.listConversations({ statuses: ['queued'], order: 'queue', limit: Number.MAX_SAFE_INTEGER });
    const more: InboxListing['more'] = {};
    pages.forEach(({ next }, i) => {
      if (next) more[sections[i]!] = next;
    });
    // Mine is also in Team's page: sent once.
    const paged = [...new Map(pages.flatMap(({ records }) => records.map((c) => [c.id, c] as const))).values()];
    return {
      // The queue comes in queue order: its places are known without asking the store again.
      conversations: await Promise.all([
        ...queue.map((c, i) => this.toAgentView(c, { queuePosition: i + 1 })),
        ...paged.map((c) => this.toAgentView(c)),
      ]),
      more,
    };
  }

  private async inboxPage(
    agentId: string,
    section: InboxPageSection,
    before: { updatedAt: number; id: string } | undefined,
    limit: number,
  ): Promise<{ records: ConversationRecord[]; next?: string }> {
    const filter = {
      mine: { statuses: ['assigned' as const], assignedAgentId: agentId },
      team: { statuses: ['assigned' as const] },
      bot: { statuses: ['bot' as const] },
      closed: { statuses: ['closed' as const] },
    }[section];
    const rows = await this.store.listConversations({ ...filter, before, limit: limit + 1 });
    const records = rows.slice(0, limit);
    const last = records[records.length - 1];
    return { records, next: rows.length > limit && last ? `${last.updatedAt}:${last.id}` : undefined };
  }

  private async agentName(agentId: string): Promise<string> {
    const cached = this.agentNames.get(agentId);
    if (cached) return cached;
    const agent = await this.store.getAgent(agentId);
    const name = agent?.name ?? 'Agent';
    this.agentNames.set(agentId, name);
    return name;
  }
}

/**
 * A message as a visitor may see it: without the AI's provenance (passage ids, scores, model,
 * token counts) or the API token an integration posted it with, which are for the team. Every path
 * to a visitor goes through this.
 */
/**
 * Who handled the conversation when the caller decided to move it (null: nobody): the move is
 * made only if that still holds (two teammates taking over one chat, a review).
 */
export interface SeenHandler {
  /** The store's own expectation (`Store.transitionConversation`'s `expect`). */
  assignedAgentId: string | null;
}

export function forVisitor(message: ChatMessage): ChatMessage {
  if (!message.provenance && !message.apiTokenId) return message;
  const { provenance: _internal, apiTokenId: _token, ...visible } = message;
  return visible;
}

/** An inbox cursor (`updatedAt:id` of the last conversation of a page) back to a keyset. */
function parseCursor(cursor: string): { updatedAt: number; id: string } {
  const match = /^(\d{1,16}):(.+)$/.exec(cursor);
  if (!match) throw new ChatError('invalid_payload', 'Unknown inbox cursor.');
  return { updatedAt: Number(match[1]), id: match[2]! };
}

/** Visitor context arrives in pieces (page changes, identify()); later values win. */
function mergeContext(previous: VisitorContext, next: VisitorContext): VisitorContext {
  return {
    ...previous,
    ...next,
    attributes: next.attributes ? mergeAttributes(previous.attributes ?? {}, next.attributes) : previous.attributes,
  };
}

/**
 * The attributes of each resume on top of the stored ones, at most `LIMITS.attributeCount` in
 * all: stored ones take new values, new ones join while there is room. The limit bounded one
 * event only, so a stranger resuming with 30 new attributes each time grew the stored context
 * without end, and every resume wrote it, indexed it and sent it to every agent whole (a probe:
 * 1 GB of memory in a minute, and webhook bodies of 680 KB). Not "the newest win": PostgreSQL's
 * jsonb keeps keys in its own order, so the stored order says nothing of their age (a review).
 */
function mergeAttributes(previous: Record<string, string>, next: Record<string, string>): Record<string, string> {
  const merged = { ...previous };
  let count = Object.keys(merged).length;
  for (const [key, value] of Object.entries(next)) {
    if (Object.hasOwn(merged, key)) merged[key] = value;
    else if (count < LIMITS.attributeCount) {
      merged[key] = value;
      count++;
    }
  }
  return merged;
}

/** The same context, whatever the order of its keys (PostgreSQL's jsonb reorders them). */
function sameContext(a: VisitorContext, b: VisitorContext): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The stored text of a system event, for logs, exports and agents; widgets localise from `event`. */
function describeEvent(event: SystemEvent): string {
  switch (event.type) {
    case 'queued':
      return 'The visitor is waiting for a person.';
    case 'assigned':
      return `${event.agentName} joined the conversation.`;
    case 'transferred':
      return `The conversation was transferred to ${event.agentName}.`;
    case 'returned_to_ai':
      return 'The conversation was handed back to the AI.';
    case 'closed':
      return `The conversation was closed by the ${event.by}.`;
  }
}
