import type { DomainEventBus } from '../conversations/events.js';
import type { Clock } from '../conversations/service.js';
import type { ConversationRecord, Store } from '../store/types.js';
import type { Presence } from '../coordination/types.js';
import { onlineIds } from './team-routing.js';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
/** How many recent claims the average is taken over. */
const SAMPLES = 50;
/** The average is re-read at most this often (and at once after any assignment). */
const CACHE_MS = 30_000;

/**
 * How long a queued visitor will probably wait for a person:
 *
 *   average time-to-claim (queuedAt → assignedAt) of the last 50 conversations people took from
 *   the queue in the past 7 days × the visitor's place in the queue ÷ agents online,
 *
 * rounded up to 10 s. Unknown (undefined) while no agent is online or there is no history yet:
 * the widget then shows the place alone rather than a made-up number.
 */
export class WaitEstimator {
  private cached: { at: number; averageMs: number | null } | null = null;

  constructor(
    private readonly store: Store,
    private readonly presence: Presence,
    private readonly clock: Clock,
    bus: DomainEventBus,
  ) {
    bus.on('conversationChanged', (conversation) => {
      if (conversation.status === 'assigned') this.cached = null;
    });
  }

  async estimate(position: number): Promise<number | undefined> {
    const online = onlineIds(await this.presence.connected()).length;
    if (online === 0 || position < 1) return undefined;
    const averageMs = await this.averageTimeToClaim();
    if (averageMs === null) return undefined;
    return Math.ceil((averageMs * position) / online / 10_000) * 10;
  }

  private async averageTimeToClaim(): Promise<number | null> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.averageMs;
    const recent = await this.store.listConversations({ statuses: ['assigned', 'closed'], limit: SAMPLES * 4 });
    const waits = recent
      .filter((c): c is ConversationRecord & { assignedAt: number; queuedAt: number } =>
        typeof c.assignedAt === 'number' && c.queuedAt !== null && c.assignedAt >= c.queuedAt && now - c.assignedAt < WEEK_MS,
      )
      .sort((a, b) => b.assignedAt - a.assignedAt)
      .slice(0, SAMPLES)
      .map((c) => c.assignedAt - c.queuedAt);
    const averageMs = waits.length ? waits.reduce((sum, w) => sum + w, 0) / waits.length : null;
    this.cached = { at: now, averageMs };
    return averageMs;
  }
}
