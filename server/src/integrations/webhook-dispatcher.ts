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
  /**
   * Deliveries sent at once by one process (default 16), half of them at most to one hook: a
   * slow receiver takes no more than half the slots, and the other hooks' deliveries go on.
   */
  concurrency?: number;
  /** The lease outlives one attempt's timeout. */
  timeoutMs: number;
}

export class WebhookDispatcher {
  private readonly policy: WebhookRetryPolicy;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly perHook: number;
  private timer: NodeJS.Timeout | null = null;
  /** A look for due deliveries under way; `again` asks for one more after it. */
  private looking: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** The deliveries this process is sending now, by id, with their hook's id. */
  private readonly sending = new Map<string, string>();
  private readonly attempts = new Set<Promise<unknown>>();
  /**
   * Due deliveries another process holds (its lease), or that could not be looked at: left until
   * the next poll. Looked for again at once, they were found due again and again, as fast as the
   * store answered, until the other process recorded its attempt (a review).
   */
  private readonly notNow = new Set<string>();

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
    this.concurrency = options.concurrency ?? 16;
    this.perHook = Math.max(1, Math.floor(this.concurrency / 2));
    this.warnPollFailed = rareWarning(deps.logger, 'webhook deliveries: polling failed');
  }

  start(): void {
    this.timer = setInterval(() => {
      this.notNow.clear();
      this.kick();
    }, this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /**
   * Looks for due deliveries now (this process just queued some, an admin asked to retry, or an
   * attempt ended and freed a slot).
   */
  kick(): void {
    if (this.stopped) return;
    if (this.looking) {
      this.again = true;
      return;
    }
    this.looking = this.look()
      .catch(this.warnPollFailed)
      .finally(() => {
        this.looking = null;
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
    await this.looking;
    await Promise.allSettled([...this.attempts]);
  }

  /**
   * Fills the free slots with due deliveries. Each attempt runs on its own and frees its slot
   * when it ends: a look used to wait for the whole batch, so one receiver answering in 8 s held
   * every other hook's events for 8 s (an integrator's probe), and retries already due with them.
   */
  private async look(): Promise<void> {
    const free = this.concurrency - this.sending.size;
    if (free <= 0) return;
    const sendingByHook = new Map<string, number>();
    for (const hookId of this.sending.values()) sendingByHook.set(hookId, (sendingByHook.get(hookId) ?? 0) + 1);
    const busyHooks = [...sendingByHook].filter(([, n]) => n >= this.perHook).map(([hookId]) => hookId);
    const due = await this.deps.store.dueWebhookDeliveries(this.deps.clock.now(), free * 4, busyHooks);
    for (const delivery of due) {
      if (this.stopped || this.sending.size >= this.concurrency) return;
      const ofHook = sendingByHook.get(delivery.webhookId) ?? 0;
      if (this.sending.has(delivery.id) || this.notNow.has(delivery.id) || ofHook >= this.perHook) continue;
      sendingByHook.set(delivery.webhookId, ofHook + 1);
      this.sending.set(delivery.id, delivery.webhookId);
      const attempt = this.deliver(delivery)
        .catch((error: unknown) => {
          this.deps.logger.warn({ err: error, deliveryId: delivery.id }, 'webhook delivery failed unexpectedly');
          return false;
        })
        .then((attempted) => {
          this.sending.delete(delivery.id);
          this.attempts.delete(attempt);
          // A slot is free: look again now, unless this one was not ours to send (see notNow).
          if (attempted) this.kick();
          else this.notNow.add(delivery.id);
        });
      this.attempts.add(attempt);
    }
  }

  /** True when an attempt was made (and recorded, or its recording failed). */
  private async deliver(seen: WebhookDeliveryRecord): Promise<boolean> {
    const { store, leases, clock, logger } = this.deps;
    const lease = await leases.acquire(`webhook-delivery:${seen.id}`, this.options.timeoutMs + 15_000).catch((error: unknown) => {
      logger.warn({ err: error, deliveryId: seen.id }, 'webhook delivery: taking the lease failed');
      return null;
    });
    if (!lease) return false;
    try {
      // Read again under the lease: another process may have sent it since `seen` was read.
      const delivery = await store.getWebhookDelivery(seen.id);
      if (!delivery || delivery.status !== 'pending' || (delivery.nextAttemptAt ?? Infinity) > clock.now()) return false;
      const hook = await store.getWebhook(delivery.webhookId);
      // Paused since it was seen due: held until resumed (a test ping goes to a paused hook).
      if (!hook || (!hook.active && delivery.eventType !== 'ping')) return false;
      const result = await this.deps.send(hook, delivery);
      const attempts = delivery.attempts + 1;
      const at = clock.now();
      // 410 Gone: the receiver says this address is no more, as REST hooks mean it: retrying for
      // 18 hours would only knock on a door that said it is gone.
      const gone = !result.ok && result.statusCode === 410;
      const attempt: WebhookAttempt = result.ok
        ? { at, status: 'delivered', nextAttemptAt: null, statusCode: result.statusCode, error: null }
        : attempts >= this.policy.maxAttempts || gone
          ? { at, status: 'failed', nextAttemptAt: null, statusCode: result.statusCode, error: gone ? `${result.error} (gone: not retried)` : result.error }
          : { at, status: 'pending', nextAttemptAt: at + retryDelayMs(attempts, this.policy), statusCode: result.statusCode, error: result.error };
      await store.recordWebhookAttempt(delivery.id, delivery.attempts, attempt);
      if (attempt.status === 'failed') {
        logger.warn({ webhookId: hook.id, deliveryId: delivery.id, attempts, error: result.error }, 'webhook delivery failed for good');
      }
      return true;
    } catch (error) {
      logger.warn({ err: error, deliveryId: seen.id }, 'webhook delivery: recording an attempt failed');
      return true;
    } finally {
      await lease.release().catch((error: unknown) => logger.warn({ err: error }, 'webhook delivery: releasing the lease failed'));
    }
  }
}
