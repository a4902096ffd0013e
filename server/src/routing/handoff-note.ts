import type { ChatMessage, HandoffReason, HandoffRuleMatch, NoteAnswer, SystemNote } from '@support-chat/shared';
import type { Summarizer } from '../ai/types.js';
import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { ConversationRecord } from '../store/types.js';
import { onlyAsksForAPerson } from './handoff-intent.js';

/** Turns the summary and the extract look at (the most recent ones). */
const TURNS = 20;
const EXCERPT_CHARS = 160;

/**
 * The internal note agents read when a conversation reaches them (issue 4): why, what the
 * visitor asked, what the AI tried and from which sources. Written by the `Summarizer` (an LLM)
 * when one is configured and answers within `timeoutMs`, else a plain extract. Visitors never see
 * notes (the store and fan-out keep `kind: 'note'` from them).
 */
export class HandoffNotes {
  constructor(
    private readonly conversations: ConversationService,
    private readonly logger: Logger,
    private readonly summarizer?: Summarizer,
    private readonly timeoutMs = 8000,
  ) {}

  async write(conversation: ConversationRecord, reason: HandoffReason, { rule, detail }: { rule?: HandoffRuleMatch; detail?: string } = {}): Promise<ChatMessage> {
    const messages = (await this.conversations.history(conversation.id)).filter((m) => m.kind === 'text').slice(-TURNS);
    const left = conversation.leftMessage;
    const summary = await this.summarize(conversation, messages);
    const note: SystemNote = {
      type: 'handoff',
      reason,
      ...(rule ? { rule } : {}),
      ...(detail ? { detail } : {}),
      ...(left ? { replyTo: { ...(left.name ? { name: left.name } : {}), email: left.email } } : {}),
      ...(summary ? { summary, sourcesUsed: sourcesUsed(messages) } : extract(messages)),
    };
    return this.conversations.addSystemNote(conversation, note);
  }

  private async summarize(conversation: ConversationRecord, messages: ChatMessage[]): Promise<string | null> {
    if (!this.summarizer || messages.length === 0) return null;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`the summary took longer than ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      const turns = messages.map((m) => ({ author: m.author, text: m.text }));
      const text = await Promise.race([this.summarizer.summarize(turns, conversation.locale, controller.signal), timeout]);
      return text.trim() || null;
    } catch (error) {
      this.logger.warn({ err: error, conversationId: conversation.id }, 'hand-off summary failed; using the plain extract');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** What the visitor asked (not the "a person please" itself) and what the AI answered, as plain text. */
export function extract(messages: readonly ChatMessage[]): { asked: string[]; tried: NoteAnswer[] } {
  return {
    asked: messages
      .filter((m) => m.author === 'visitor' && !onlyAsksForAPerson(m.text))
      .slice(-3)
      .map((m) => excerpt(m.text)),
    tried: messages
      .filter((m) => m.author === 'ai')
      .slice(-3)
      .map((m) => ({ text: excerpt(m.text), sources: (m.sources ?? []).map((s) => s.title), answered: m.provenance?.answered !== false })),
  };
}

function sourcesUsed(messages: readonly ChatMessage[]): string[] {
  return [...new Set(messages.flatMap((m) => (m.author === 'ai' ? (m.sources ?? []).map((s) => s.title) : [])))];
}

/**
 * One line of what was said, as plain text: links become their text and emphasis goes (a cut
 * could leave `**` open); the note's renderer escapes the rest, so neither a visitor nor a cut
 * formats the note.
 */
function excerpt(text: string): string {
  const flat = text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat;
}
