/**
 * Keeps the delivery log from growing for ever: every message queues a delivery per hook that
 * listens to it, so a busy site writes one row per message per hook. Delivered and failed
 * deliveries older than `keepDays` are deleted (pending ones never are), by one process at a time
 * (a lease), in batches, so neither the store nor the event loop is held for long.
 */
import type { Clock } from '../conversations/service.js';
import type { Leases } from '../coordination/types.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const BATCH = 1000;

export class WebhookHistory {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: { store: Pick<Store, 'pruneWebhookDeliveries'>; leases: Leases; clock: Clock; logger: Logger },
    private readonly options: { keepDays: number; everyMs?: number },
  ) {}

  /** Prunes now, then every `everyMs` (default an hour). */
  start(): void {
    this.timer = setInterval(() => void this.prune(), this.options.everyMs ?? 60 * 60 * 1000);
    this.timer.unref();
    void this.prune();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; resolves with how many deliveries it deleted (0 when another process holds the lease). */
  prune(): Promise<number> {
    this.running ??= this.pass()
      .catch((error: unknown) => {
        this.deps.logger.warn({ err: error }, 'webhook deliveries: pruning the log failed');
        return 0;
      })
      .finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { store, leases, clock, logger } = this.deps;
    const lease = await leases.acquire('webhook-history:prune', 5 * 60 * 1000);
    if (!lease) return 0;
    try {
      const before = clock.now() - this.options.keepDays * DAY_MS;
      let deleted = 0;
      for (;;) {
        const batch = await store.pruneWebhookDeliveries(before, BATCH);
        deleted += batch;
        if (batch < BATCH) break;
        // Let chats through between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (deleted > 0) logger.info({ deleted, keepDays: this.options.keepDays }, 'webhook deliveries: pruned the log');
      return deleted;
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}
