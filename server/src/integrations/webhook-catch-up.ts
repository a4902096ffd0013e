/**
 * Queues the webhook events that the bus listener never did. The listener queues a message's
 * event in a write of its own after the message is stored, so a process killed between the two
 * (`kill -9`, a crash, the machine's power) lost the event for good (an integrator's probe). Every
 * few seconds one process (a lease) asks the store for the rows of the last window that a
 * listening hook has no delivery of (`missedWebhookEvents`), and queues their events with the ids
 * the listener gives them (the row's id), so an event the listener queues after all, late, is
 * still one delivery per hook. The window starts where the last pass ended (a setting, so it
 * survives restarts and moves from process to process) and ends `settleMs` ago: the listener has
 * long queued what it was going to by then. An event queued late carries the conversation as it is
 * then, and its `createdAt` is the row's.
 *
 * A hand-off's event is its "waiting for a person" line's (the line with a reason: a requeue's has
 * none); a rating's is found by when it was given, with an id made of the conversation's and that
 * time (`ratedEventId`). What it cannot find again: a rating changed since (the new one's event
 * stands for it), and an event whose hook was paused when the listener heard it and resumed
 * within `settleMs` (the catch-up sees an active hook without the delivery, and queues it).
 */
import type { Clock } from '../conversations/service.js';
import type { Leases } from '../coordination/types.js';
import { rareWarning, type Logger } from '../logger.js';
import type { MissedWebhookEvent } from '../store/integration-types.js';
import type { ChatMessage } from '@support-chat/shared';
import type { ConversationRecord, Store } from '../store/types.js';
import { conversationCreatedEvent, messageEvent, ratedEvent, type ChatEvent } from './webhook-events.js';
import type { Webhooks } from './webhooks.js';

/** Where the last pass ended (ms): the next starts there. */
export const CAUGHT_UP_TO_SETTING = 'webhooks.caught-up-to';
const PAGE = 200;
/** With no hook listening, how stale the saved window may grow before it is moved on. */
const IDLE_SAVE_MS = 60_000;
const CAUGHT_UP: ReadonlySet<string> = new Set<MissedWebhookEvent['type']>([
  'message.created',
  'conversation.assigned',
  'conversation.closed',
  'conversation.handed_off',
  'conversation.created',
  'conversation.rated',
]);

export interface WebhookCatchUpOptions {
  /** How often one process looks (default 5 s). */
  everyMs?: number;
  /** How long after a row was stored its event is looked for (default 10 s). */
  settleMs?: number;
}

export class WebhookCatchUp {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly everyMs: number;
  private readonly settleMs: number;
  /** While the store is away every pass fails: a line a minute says so. */
  private readonly warnFailed: (error: unknown) => void;

  constructor(
    private readonly deps: {
      store: Pick<Store, 'missedWebhookEvents' | 'listWebhooks' | 'getSetting' | 'saveSetting' | 'getConversation' | 'listMessages'>;
      leases: Leases;
      clock: Clock;
      logger: Logger;
      webhooks: Pick<Webhooks, 'enqueueMissed'>;
    },
    options: WebhookCatchUpOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 5000;
    this.settleMs = options.settleMs ?? 10_000;
    this.warnFailed = rareWarning(deps.logger, 'webhook events: catching up failed');
  }

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.everyMs);
    this.timer.unref();
    void this.pass();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; resolves with how many deliveries it queued (0 when another process holds the lease). */
  pass(): Promise<number> {
    this.running ??= this.catchUp()
      .catch((error: unknown) => {
        this.warnFailed(error);
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async catchUp(): Promise<number> {
    const { store, leases, clock, logger } = this.deps;
    const lease = await leases.acquire('webhook-catch-up', 60_000);
    if (!lease) return 0;
    try {
      const to = clock.now() - this.settleMs;
      const saved = await store.getSetting(CAUGHT_UP_TO_SETTING);
      // The first pass on this store: the listener has heard everything until now.
      const from = saved === null ? to : Number(saved);
      let queued = 0;
      // No hook listens to these events (most sites): nothing to read through, only the window to
      // move, and that is written at most once a minute (a write every 5 s on every install for
      // nothing, a review): a hook created meanwhile hears nothing from before it anyway.
      const listens = await this.anyoneListens();
      if (!listens && saved !== null && to - from < IDLE_SAVE_MS) return 0;
      let reached = to;
      if (from < to && listens) {
        // Each page's events are queued before the next is asked for, so a page is never the
        // same one again (the store returns only rows still without their delivery).
        for (let page = await store.missedWebhookEvents(from, to, PAGE); page.length > 0; page = await store.missedWebhookEvents(from, to, PAGE)) {
          const added = await this.queue(page);
          queued += added;
          if (page.length < PAGE) break;
          // A full page of rows that went meanwhile (erased) would come back the same, for ever:
          // this pass ends, and the next starts at them, not past what follows them (a review).
          if (added === 0) {
            reached = page[0]!.createdAt;
            break;
          }
        }
      }
      if (saved === null || from < reached) await store.saveSetting(CAUGHT_UP_TO_SETTING, String(Math.max(from, reached)));
      if (queued > 0) logger.warn({ queued, from, to }, 'webhook events: queued the events of chat rows whose process stopped before queueing them');
      return queued;
    } finally {
      await lease.release().catch(() => undefined);
    }
  }

  private async anyoneListens(): Promise<boolean> {
    const hooks = await this.deps.store.listWebhooks();
    return hooks.some((hook) => hook.active && hook.events.some((type) => CAUGHT_UP.has(type)));
  }

  private async queue(page: readonly MissedWebhookEvent[]): Promise<number> {
    const conversations = new Map<string, Promise<ConversationRecord | null>>();
    const conversation = (id: string) => {
      let read = conversations.get(id);
      if (!read) conversations.set(id, (read = this.deps.store.getConversation(id)));
      return read;
    };
    let queued = 0;
    for (const missed of page) {
      const event = await this.eventOf(missed, await conversation(missed.conversationId));
      if (!event) continue;
      await this.deps.webhooks.enqueueMissed(missed.webhookId, event, missed.createdAt);
      queued++;
    }
    return queued;
  }

  /** Null when the row went since it was found (an erasure). */
  private async eventOf(missed: MissedWebhookEvent, conversation: ConversationRecord | null): Promise<ChatEvent | null> {
    if (!conversation) return null;
    if (missed.type === 'conversation.created') return conversationCreatedEvent(conversation);
    if (missed.type === 'conversation.rated') return conversation.rating?.ratedAt === missed.createdAt ? ratedEvent(conversation) : null;
    const [message]: ChatMessage[] = await this.deps.store.listMessages(missed.conversationId, { afterSeq: missed.seq - 1, limit: 1 });
    return message?.id === missed.id ? messageEvent(message, conversation) : null;
  }
}
