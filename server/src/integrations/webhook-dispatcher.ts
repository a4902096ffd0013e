/**
 * Sends queued webhook deliveries, off the chat's path (issue 13). Every process polls the store
 * for due deliveries (and looks at once when it queued some itself); a delivery is sent by the
 * process that holds its lease (`Leases`, in Redis with several processes), which reads it again
 * under the lease, so a process that saw it due before another recorded an attempt does not send
 * it twice. The attempt is recorded by compare-and-set before the lease is released. A failure
 * (non-2xx, timeout, refused connection) is retried with exponential backoff until the attempts
 * run out. The queue is in the store: a restart picks up where the last process stopped.
 */
import type { Clock } from '../conversations/service.js';
import type { Leases } from '../coordination/types.js';
import { rareWarning, type Logger } from '../logger.js';
import type { WebhookAttempt, WebhookDeliveryRecord, WebhookRecord } from '../store/integration-types.js';
import type { Store } from '../store/types.js';
import type { SendResult } from './webhook-sender.js';
import { definedOnly } from '../defined-only.js';

export interface WebhookRetryPolicy {
  /** Attempts in all, the first included (default 8). */
  maxAttempts: number;
  /** The wait after the first failure; each next one is 3× longer, at most 12 h (default 1 min: 8 attempts span ~18 h). */
  retryBaseMs: number;
}

export const DEFAULT_RETRY_POLICY: WebhookRetryPolicy = { maxAttempts: 8, retryBaseMs: 60_000 };

const MAX_DELAY_MS = 12 * 60 * 60 * 1000;

/** When attempt `attempts + 1` is due after `attempts` failures (up to 10% later, so retries spread out). */
export function retryDelayMs(attempts: number, { retryBaseMs }: WebhookRetryPolicy, random = Math.random): number {
  const delay = Math.min(retryBaseMs * 3 ** (attempts - 1), MAX_DELAY_MS);
  return Math.round(delay * (1 + random() * 0.1));
}

export interface WebhookDispatcherOptions extends Partial<WebhookRetryPolicy> {
  /** How often each process looks for due deliveries (default 1 s). */
  pollMs?: number;
  /** Deliveries sent at once by one process. */
  concurrency?: number;
  /** The lease outlives one attempt's timeout. */
  timeoutMs: number;
}

export class WebhookDispatcher {
  private readonly policy: WebhookRetryPolicy;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Deliveries this process is sending now. */
  private readonly inFlight = new Set<string>();

  /** Every poll fails while the store is away: one line a minute says so. */
  private readonly warnPollFailed: (error: unknown) => void;

  constructor(
    private readonly deps: {
      store: Store;
      leases: Leases;
      clock: Clock;
      logger: Logger;
      send: (hook: WebhookRecord, delivery: WebhookDeliveryRecord) => Promise<SendResult>;
    },
    private readonly options: WebhookDispatcherOptions,
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly({ maxAttempts: options.maxAttempts, retryBaseMs: options.retryBaseMs }) };
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = options.concurrency ?? 8;
    this.warnPollFailed = rareWarning(deps.logger, 'webhook deliveries: polling failed');
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due deliveries now (this process just queued some, or an admin asked to retry). */
  kick(): void {
    if (this.stopped) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    this.polling = this.poll()
      .catch(this.warnPollFailed)
      .finally(() => {
        this.polling = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops polling and waits for the attempts under way (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.polling;
  }

  private async poll(): Promise<void> {
    for (;;) {
      const due = (await this.deps.store.dueWebhookDeliveries(this.deps.clock.now(), this.concurrency * 4)).filter((d) => !this.inFlight.has(d.id));
      if (due.length === 0 || this.stopped) return;
      let next = 0;
      const worker = async () => {
        while (next < due.length && !this.stopped) await this.deliver(due[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, due.length) }, worker));
      if (due.length < this.concurrency * 4) return;
    }
  }

  private async deliver(seen: WebhookDeliveryRecord): Promise<void> {
    const { store, leases, clock, logger } = this.deps;
    const lease = await leases.acquire(`webhook-delivery:${seen.id}`, this.options.timeoutMs + 15_000);
    if (!lease) return;
    this.inFlight.add(seen.id);
    try {
      // Read again under the lease: another process may have sent it since `seen` was read.
      const delivery = await store.getWebhookDelivery(seen.id);
      if (!delivery || delivery.status !== 'pending' || (delivery.nextAttemptAt ?? Infinity) > clock.now()) return;
      const hook = await store.getWebhook(delivery.webhookId);
      if (!hook) return;
      const result = await this.deps.send(hook, delivery);
      const attempts = delivery.attempts + 1;
      const at = clock.now();
      const attempt: WebhookAttempt = result.ok
        ? { at, status: 'delivered', nextAttemptAt: null, statusCode: result.statusCode, error: null }
        : attempts >= this.policy.maxAttempts
          ? { at, status: 'failed', nextAttemptAt: null, statusCode: result.statusCode, error: result.error }
          : { at, status: 'pending', nextAttemptAt: at + retryDelayMs(attempts, this.policy), statusCode: result.statusCode, error: result.error };
      await store.recordWebhookAttempt(delivery.id, delivery.attempts, attempt);
      if (attempt.status === 'failed') {
        logger.warn({ webhookId: hook.id, deliveryId: delivery.id, attempts, error: result.error }, 'webhook delivery failed for good');
      }
    } catch (error) {
      logger.warn({ err: error, deliveryId: seen.id }, 'webhook delivery: recording an attempt failed');
    } finally {
      this.inFlight.delete(seen.id);
      await lease.release().catch((error: unknown) => logger.warn({ err: error }, 'webhook delivery: releasing the lease failed'));
    }
  }
}

