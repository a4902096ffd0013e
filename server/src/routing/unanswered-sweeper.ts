import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { ChatMessage } from '@support-chat/shared';
import { answerClientId, type ConversationRouter } from './router.js';

/** Messages read back from a conversation's end to find its unanswered questions. */
const TAIL = 20;

export interface UnansweredSweeperOptions {
  /** How often to look (ms). */
  everyMs?: number;
  /** A question waits this long before it counts as abandoned (ms): longer than a normal answer's start. */
  staleAfterMs?: number;
  /** Questions older than this are left alone: the visitor has long gone (ms). */
  maxAgeMs?: number;
  /** Conversations looked at per pass. */
  batch?: number;
}

/**
 * Answers questions whose answer was never stored: the process answering them was killed or
 * shut down mid-answer (issue 10: "a streamed answer cut by SIGTERM or kill -9 is never produced,
 * even when the visitor re-sends"). It looks at conversations still with the AI whose last
 * messages are quiet for `staleAfterMs` and hands every question there without an answer to the
 * router, in the order asked (a visitor who asked twice before the crash gets both answers). The
 * router's lease skips those another process is still answering and its answer key stores one
 * answer per question, whoever writes it. Runs in every process; in one process it covers a restart.
 */
export class UnansweredSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private readonly everyMs: number;
  private readonly staleAfterMs: number;
  private readonly maxAgeMs: number;
  private readonly batch: number;

  constructor(
    private readonly deps: { store: Store; conversations: ConversationService; router: ConversationRouter; logger: Logger; now?: () => number },
    { everyMs = 5_000, staleAfterMs = 5_000, maxAgeMs = 30 * 60_000, batch = 50 }: UnansweredSweeperOptions = {},
  ) {
    this.everyMs = everyMs;
    this.staleAfterMs = staleAfterMs;
    this.maxAgeMs = maxAgeMs;
    this.batch = batch;
  }

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
    void this.sweep();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass (tests call it directly); resolves when the questions found are answered. */
  sweep(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'looking for unanswered questions failed'))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    const { store, router } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    // Newest first, from those quiet for `staleAfterMs`: the ones most likely still waiting.
    const quiet = await store.listConversations({
      statuses: ['bot'],
      before: { updatedAt: now - this.staleAfterMs, id: '' },
      limit: this.batch,
    });
    const answering: Promise<void>[] = [];
    for (const conversation of quiet) {
      if (conversation.updatedAt < now - this.maxAgeMs) break;
      const tail = await store.listMessages(conversation.id, { afterSeq: Math.max(0, conversation.lastSeq - TAIL), includeNotes: true, limit: TAIL });
      // The router chains a conversation's questions: handed over in order, answered in order.
      for (const question of unansweredQuestions(tail)) answering.push(router.handleVisitorMessage(conversation, question));
    }
    await Promise.all(answering);
  }
}

/**
 * The visitor's questions at the end of `tail` that have no AI answer yet. Looking back stops at
 * the first message that is neither a visitor's text nor the AI's: an agent's reply or an event
 * (a hand-off, a return to the AI) means the questions before it were someone else's to answer.
 */
export function unansweredQuestions(tail: readonly ChatMessage[]): ChatMessage[] {
  const answered = new Set<string>();
  const questions: ChatMessage[] = [];
  for (let i = tail.length - 1; i >= 0; i--) {
    const m = tail[i]!;
    if (m.kind === 'note') continue;
    if (m.author === 'ai') {
      if (m.clientId) answered.add(m.clientId);
      continue;
    }
    if (m.author !== 'visitor' || m.kind !== 'text') break;
    if (!answered.has(answerClientId(m.id))) questions.push(m);
  }
  return questions.reverse();
}
