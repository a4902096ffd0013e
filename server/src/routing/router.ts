import { randomUUID } from 'node:crypto';
import type { ChatMessage, Locale } from '@support-chat/shared';
import { looksChinese } from '@support-chat/shared';
import type { Responder, ResponderAnswer } from '../ai/types.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { ConversationRecord } from '../store/types.js';
import { wantsHuman } from './handoff-intent.js';

/** How many earlier turns the AI sees (the responder trims further to its token budget). */
const HISTORY_TURNS = 12;

const UNAVAILABLE_TEXT: Record<Locale, string> = {
  en: "Sorry, I can't answer right now. You can ask again, or talk to a person.",
  'zh-CN': '抱歉，我暂时无法回答。您可以稍后再问，或者转人工客服。',
};

/**
 * Decides who answers each visitor message: the AI while the conversation is `bot`, nobody (the
 * human queue) once the visitor asked for a person, and never the AI after a person took over.
 * Answers for one conversation run one at a time, in the order the questions arrived.
 */
export class ConversationRouter {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Map<string, AbortController>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly conversations: ConversationService,
    private readonly responder: Responder,
    private readonly bus: DomainEventBus,
    private readonly logger: Logger,
  ) {
    // A person took over (or the conversation closed): stop the AI mid-answer.
    this.unsubscribe = bus.on('conversationChanged', (conversation) => {
      if (conversation.status !== 'bot') this.running.get(conversation.id)?.abort();
    });
  }

  /** Called after a visitor message was stored. Returns when the answer (if any) is stored. */
  handleVisitorMessage(conversation: ConversationRecord, message: ChatMessage): Promise<void> {
    const previous = this.chains.get(conversation.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.route(conversation.id, message))
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
    this.unsubscribe();
    for (const controller of this.running.values()) controller.abort();
  }

  private async route(conversationId: string, message: ChatMessage): Promise<void> {
    const conversation = await this.conversations.getConversation(conversationId);
    if (conversation.status !== 'bot') return;
    if (wantsHuman(message.text)) {
      await this.conversations.requestHuman(conversationId);
      return;
    }
    await this.answerWithAi(conversation, message);
  }

  private async answerWithAi(conversation: ConversationRecord, question: ChatMessage): Promise<void> {
    let stream = { conversationId: conversation.id, visitorId: conversation.visitorId, streamId: randomUUID() };
    const controller = new AbortController();
    this.running.set(conversation.id, controller);
    const locale = answerLocale(question.text, conversation.locale);
    let streamed = false;
    let answer: ResponderAnswer;
    try {
      const history = await this.conversations.recentTurns(conversation.id, question.seq, HISTORY_TURNS);
      answer = await this.responder.answer({
        conversationId: conversation.id,
        question: question.text,
        history: history.map((m) => ({ author: m.author, text: m.text })),
        locale,
        signal: controller.signal,
        onToken: (delta) => {
          if (controller.signal.aborted) return;
          streamed = true;
          this.bus.emit('aiToken', { ...stream, delta });
        },
        // The model failed mid-answer and a fallback answer follows: drop what was shown and
        // stream the new answer under a new id, so no half answer is ever taken as complete.
        onReset: () => {
          if (streamed) this.bus.emit('aiStreamAborted', stream);
          streamed = false;
          stream = { ...stream, streamId: randomUUID() };
        },
      });
    } catch (error) {
      if (streamed) this.bus.emit('aiStreamAborted', stream);
      if (controller.signal.aborted) return;
      this.logger.warn({ err: error, conversationId: conversation.id }, 'the AI could not answer');
      answer = {
        text: UNAVAILABLE_TEXT[locale],
        sources: [],
        provenance: { responder: this.responder.name, passageIds: [], scores: [], answered: false, latencyMs: 0 },
      };
    } finally {
      if (this.running.get(conversation.id) === controller) this.running.delete(conversation.id);
    }

    // A person may have joined while the AI was thinking: then the AI stays silent.
    const current = await this.conversations.getConversation(conversation.id);
    if (controller.signal.aborted || current.status !== 'bot') {
      if (streamed) this.bus.emit('aiStreamAborted', stream);
      return;
    }
    await this.conversations.append(current, {
      senderId: 'ai',
      author: 'ai',
      kind: 'text',
      text: answer.text,
      sources: answer.sources,
      suggestions: answer.suggestions,
      provenance: answer.provenance,
      streamId: stream.streamId,
    });
  }
}

/** Answer in the language the visitor wrote in; the page's language decides when the text can't. */
export function answerLocale(text: string, fallback: Locale): Locale {
  if (looksChinese(text)) return 'zh-CN';
  return /[A-Za-z]{2,}/.test(text) ? 'en' : fallback;
}
