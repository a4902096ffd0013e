import type { ConversationService } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import type { ConversationRouter } from './router.js';

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
 * message is a visitor's question older than `staleAfterMs` and hands each to the router, whose
 * lease skips those another process is still answering and whose answer key stores one answer per
 * question, whoever writes it. Runs in every process; in one process it covers a restart.
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
      const [last] = await store.listMessages(conversation.id, { afterSeq: conversation.lastSeq - 1, includeNotes: true, limit: 1 });
      if (last?.author !== 'visitor' || last.kind !== 'text') continue;
      answering.push(router.handleVisitorMessage(conversation, last));
    }
    await Promise.all(answering);
  }
}
