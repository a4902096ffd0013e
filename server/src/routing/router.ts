import { randomUUID } from 'node:crypto';
import type { ChatMessage, Locale, RoutingSettings } from '@support-chat/shared';
import { looksChinese } from '@support-chat/shared';
import type { Responder, ResponderAnswer } from '../ai/types.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { ConversationService } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import { rareWarning, type Logger } from '../logger.js';
import { MemoryLeases } from '../coordination/memory.js';
import type { Lease, Leases } from '../coordination/types.js';
import type { ConversationRecord } from '../store/types.js';
import { onlyAsksForAPerson, wantsHuman } from './handoff-intent.js';
import { matchHandoffRule } from './handoff-rules.js';

/** How many earlier turns the AI sees (the responder trims further to its token budget). */
const HISTORY_TURNS = 12;

const UNAVAILABLE_TEXT: Record<Locale, string> = {
  en: "Sorry, I can't answer right now. You can ask again, or talk to a person.",
  'zh-CN': '抱歉，我暂时无法回答。您可以稍后再问，或者转人工客服。',
};

/** Unanswered AI replies in a row that send the conversation to a person. */
const UNANSWERED_LIMIT = 2;

/**
 * How long a process holds a question while answering it, renewed while the answer runs. If the
 * process dies, the lease lapses and another (or this one, restarted) answers the question
 * (unanswered-sweeper.ts).
 */
const ANSWER_LEASE_MS = 15_000;

/** How often an answer begun without its lease (the leases were away) tries to take it. */
const LEASE_RETRY_MS = 1_000;

/** The stored answer's client id: one answer per question, whichever process writes it first. */
export const answerClientId = (questionId: string) => `answer:${questionId}`;

/**
 * Decides who answers each visitor message: the AI while the conversation is `bot`; the human
 * queue when the visitor asks for a person, a configured rule matches (keywords, visitor
 * attributes), or the AI could not answer twice in a row. Once queued or with a person, the AI is
 * silent: a waiting visitor sees their place in the queue, not more AI answers talking over the
 * people they asked for. Answers for one conversation run one at a time, in order.
 */
export class ConversationRouter {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;
  private stopping = false;
  /** At most one line a minute: an outage of an hour is one story, not one per question. */
  private readonly warnLeasesAway: (error: unknown) => void;

  constructor(
    private readonly conversations: ConversationService,
    private readonly responder: Responder,
    private readonly bus: DomainEventBus,
    private readonly logger: Logger,
    private readonly settings: () => Promise<Pick<RoutingSettings, 'handoffKeywords' | 'handoffAttributes'>> = async () => ({
      handoffKeywords: [],
      handoffAttributes: [],
    }),
    /** Exactly one process answers each question (many processes share a Redis-backed one). */
    private readonly leases: Leases = new MemoryLeases(),
    /** Writes agents' drafts (`draftReply`): they are read before they go, so it may answer from less (responders.ts, chooseDrafter). */
    private readonly drafter: Responder = responder,
  ) {
    this.warnLeasesAway = rareWarning(logger, 'answer leases are unreachable: this process answers the questions asked on it without one');
    // A person took over (or the conversation closed): stop the AI mid-answer.
    this.unsubscribe = bus.on('conversationChanged', (conversation) => {
      if (conversation.status !== 'bot') this.running.get(conversation.id)?.abort();
    });
  }

  /**
   * Called after a visitor message was stored. Returns when the answer (if any) is stored.
   * `justStored`: this process stored it a moment ago and `conversation` is what that append
   * returned (the socket and upload paths), so neither is read back before answering when no
   * other question of the conversation is ahead of it (issue 9: two reads on the event loop per
   * answer). The sweeper's questions are read back, as another process may be answering them.
   */
  handleVisitorMessage(conversation: ConversationRecord, message: ChatMessage, { justStored = false }: { justStored?: boolean } = {}): Promise<void> {
    // Shutting down: the question stays unanswered in the store, and the sweeper of another
    // process (or of this one after its restart) answers it.
    if (this.stopping) return Promise.resolve();
    // With a person (or queued for one), the AI stays silent: nothing to take a lease for. The
    // record is the one the append returned, so it is current.
    if (conversation.status !== 'bot' && !this.chains.has(conversation.id)) return Promise.resolve();
    const previous = this.chains.get(conversation.id);
    // Behind another question, the conversation may have changed by its turn: read it then.
    const current = justStored && !previous ? conversation : null;
    const next = (previous ?? Promise.resolve())
      .then(() => this.route(conversation.id, message, current, justStored))
      .catch((error: unknown) => this.logger.error({ err: error, conversationId: conversation.id }, 'routing failed'))
      .finally(() => {
        if (this.chains.get(conversation.id) === next) this.chains.delete(conversation.id);
      });
    this.chains.set(conversation.id, next);
    return next;
  }

  /** Waits for every answer in progress (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  dispose(): void {
    this.stopping = true;
    this.unsubscribe();
    for (const controller of this.running.values()) controller.abort();
  }

  /**
   * A graceful stop: takes no new questions, lets the answers under way finish for up to
   * `timeoutMs`, then stops the rest. Their leases are released, so the questions they leave
   * unanswered are picked up at once elsewhere.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.idle(), timedOut]);
    clearTimeout(timer);
    this.dispose();
    await this.idle();
  }

  /** `asked`: this process stored the question a moment ago (not the sweeper's). */
  private async route(conversationId: string, message: ChatMessage, current: ConversationRecord | null, asked: boolean): Promise<void> {
    const key = `answer:${message.id}`;
    let lease: Lease | null = null;
    try {
      lease = await this.leases.acquire(key, ANSWER_LEASE_MS);
      if (!lease) return; // another process is answering it
    } catch (error) {
      // The leases are away (Redis, with several processes): the sweeper's question waits for
      // them (its next pass asks again). A question asked on this process just now is answered
      // here all the same, rather than when the outage ends: no other process takes it while the
      // leases are away (their sweepers need one), this one takes the lease as soon as they are
      // back (below), and the store keeps one answer per question (`answerClientId`).
      this.warnLeasesAway(error);
      if (!asked) return;
    }
    // Renewed while the answer runs. Taken late, the lease may be another process's already (its
    // sweeper found the question first): this answer then stops, and theirs stands. One call at a
    // time (a slow one must not be followed by a second that finds our own lease taken), and none
    // once the answer ended (a late one lets go of what it took, and stops nothing).
    let ended = false;
    let calling = false;
    const stop = new AbortController();
    const keep = setInterval(
      () => {
        if (calling) return;
        calling = true;
        const held = lease;
        const step = held
          ? held.renew(ANSWER_LEASE_MS)
          : this.leases.acquire(key, ANSWER_LEASE_MS).then((taken) => {
              if (ended) return void taken?.release().catch(() => undefined);
              lease = taken;
              if (!taken) {
                clearInterval(keep);
                stop.abort();
              }
            });
        step.catch(() => undefined).finally(() => (calling = false));
      },
      lease ? ANSWER_LEASE_MS / 3 : LEASE_RETRY_MS,
    );
    keep.unref();
    try {
      await this.routeHeld(conversationId, message, current, stop.signal);
    } finally {
      ended = true;
      clearInterval(keep);
      await (lease as Lease | null)?.release().catch(() => undefined);
    }
  }

  /**
   * `current`: the conversation as just stored with `message`, nothing answered yet (see
   * `handleVisitorMessage`). `stop`: another process holds the question after all (see `route`).
   */
  private async routeHeld(conversationId: string, message: ChatMessage, current: ConversationRecord | null, stop: AbortSignal): Promise<void> {
    const conversation = current ?? (await this.conversations.getConversation(conversationId));
    if (conversation.status !== 'bot') return;
    // Answered already: by another process before its lease lapsed, or before a restart. (A
    // question stored a moment ago has no answer yet; should one race in, the store keeps one
    // answer per question.)
    if (!current && (await this.conversations.hasAiAnswer(conversationId, answerClientId(message.id), message.seq))) return;
    if (stop.aborted) return;
    // The AI reads words, not files (issue 13): it says so by handing the conversation to a
    // person, whose console shows the file, with the reason in the hand-off note.
    if (message.attachment) {
      await this.conversations.requestHuman(conversationId, 'attachment', { detail: message.attachment.contentType });
      return;
    }
    if (wantsHuman(message.text)) {
      await this.conversations.requestHuman(conversationId, 'visitor_request');
      return;
    }
    const rule = matchHandoffRule(await this.settings(), message.text, {
      context: conversation.context,
      handedOffBefore: Boolean(conversation.handoffReason || conversation.humanInvolved),
    });
    if (stop.aborted) return;
    if (rule) {
      await this.conversations.requestHuman(conversationId, 'rule', { rule });
      return;
    }
    const answer = await this.answerWithAi(conversation, message, stop);
    if (answer && !answer.provenance.answered && (await this.unansweredInARow(conversationId)) >= UNANSWERED_LIMIT) {
      await this.conversations.requestHuman(conversationId, 'ai_unanswered');
    }
  }

  /**
   * A reply an agent may send, written by the AI to the visitor's latest question (the same
   * history window and language as an AI answer); `not_found` when the knowledge base has nothing.
   */
  async draftReply(conversationId: string, signal: AbortSignal): Promise<Pick<ResponderAnswer, 'text' | 'sources'>> {
    const conversation = await this.conversations.getConversation(conversationId);
    const turns = await this.conversations.recentTurns(conversationId, conversation.lastSeq + 1, HISTORY_TURNS);
    // The latest thing the visitor asked, not a bare request for a person after it ("转人工",
    // "a human please"): the draft answered that, with nothing (a support team's probe).
    const lastVisitor = turns.findLastIndex((m) => m.author === 'visitor' && m.text.trim() !== '' && !onlyAsksForAPerson(m.text));
    if (lastVisitor < 0) throw new ChatError('invalid_state', 'The visitor has asked nothing to draft a reply for in the latest messages.');
    const question = turns[lastVisitor]!;
    const answer = await this.drafter.answer({
      conversationId,
      question: question.text,
      history: turns.slice(0, lastVisitor).map((m) => ({ author: m.author, text: m.text })),
      locale: answerLocale(question.text, conversation.locale),
      signal,
    });
    if (!answer.provenance.answered) {
      throw new ChatError('not_found', 'The knowledge base has nothing on this question: write the reply yourself.');
    }
    return { text: answer.text, sources: answer.sources };
  }

  /** AI replies that could not answer, counting back from the latest, since the AI last took over. */
  private async unansweredInARow(conversationId: string): Promise<number> {
    const { lastSeq } = await this.conversations.getConversation(conversationId);
    const recent = await this.conversations.history(conversationId, Math.max(0, lastSeq - 40));
    let count = 0;
    for (let i = recent.length - 1; i >= 0 && count < UNANSWERED_LIMIT; i--) {
      const m = recent[i]!;
      if (m.kind === 'event' && m.event?.type === 'returned_to_ai') break;
      if (m.author !== 'ai' || m.kind !== 'text') continue;
      if (m.provenance?.answered !== false) break;
      count++;
    }
    return count;
  }

  /** Streams and stores the AI's answer; returns it, or null when it was dropped (a person joined). */
  private async answerWithAi(conversation: ConversationRecord, question: ChatMessage, stop: AbortSignal): Promise<ResponderAnswer | null> {
    let stream = { conversationId: conversation.id, visitorId: conversation.visitorId, streamId: randomUUID() };
    const controller = new AbortController();
    this.running.set(conversation.id, controller);
    stop.addEventListener('abort', () => controller.abort(), { once: true });
    const locale = answerLocale(question.text, conversation.locale);
    let streamed = false;
    /** Characters of this stream sent so far (`AiTokenEvent.at`). */
    let sent = 0;
    let answer: ResponderAnswer;
    try {
      const history =
        this.responder.usesHistory === false ? [] : await this.conversations.recentTurns(conversation.id, question.seq, HISTORY_TURNS);
      answer = await this.responder.answer({
        conversationId: conversation.id,
        question: question.text,
        history: history.map((m) => ({ author: m.author, text: m.text })),
        locale,
        signal: controller.signal,
        onToken: (delta) => {
          if (controller.signal.aborted) return;
          streamed = true;
          this.bus.emit('aiToken', { ...stream, delta, at: sent });
          sent += delta.length;
        },
        // The model failed mid-answer and a fallback answer follows: drop what was shown and
        // stream the new answer under a new id, so no half answer is ever taken as complete.
        onReset: () => {
          if (streamed) this.bus.emit('aiStreamAborted', stream);
          streamed = false;
          sent = 0;
          stream = { ...stream, streamId: randomUUID() };
        },
      });
    } catch (error) {
      if (streamed) this.bus.emit('aiStreamAborted', stream);
      if (controller.signal.aborted) return null;
      this.logger.warn({ err: error, conversationId: conversation.id }, 'the AI could not answer');
      answer = {
        text: UNAVAILABLE_TEXT[locale],
        sources: [],
        provenance: { responder: this.responder.name, passageIds: [], scores: [], answered: false, latencyMs: 0 },
      };
    } finally {
      if (this.running.get(conversation.id) === controller) this.running.delete(conversation.id);
    }

    if (controller.signal.aborted) {
      if (streamed) this.bus.emit('aiStreamAborted', stream);
      return null;
    }
    // Stored only while the AI still has the conversation (checked in the same step as the
    // append): a person may have joined while it was thinking, and then the AI stays silent.
    const stored = await this.conversations.appendAiAnswer(conversation.id, {
      senderId: 'ai',
      author: 'ai',
      kind: 'text',
      text: answer.text,
      sources: answer.sources,
      suggestions: answer.suggestions,
      provenance: answer.provenance,
      streamId: stream.streamId,
      clientId: answerClientId(question.id),
    });
    // A person joined, or another process stored its answer to this question first (its lease
    // had lapsed): ours is not stored, so the stream shown for it is withdrawn.
    if (!stored?.created) {
      if (streamed) this.bus.emit('aiStreamAborted', stream);
      return null;
    }
    return answer;
  }
}

/** Answer in the language the visitor wrote in; the page's language decides when the text can't. */
function answerLocale(text: string, fallback: Locale): Locale {
  if (looksChinese(text)) return 'zh-CN';
  return /[A-Za-z]{2,}/.test(text) ? 'en' : fallback;
}
