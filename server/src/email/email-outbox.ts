import type { Clock } from '../conversations/service.js';
import type { Leases } from '../coordination/types.js';
import { rareWarning, type Logger } from '../logger.js';
import type { EmailRecord, Store } from '../store/types.js';
import { isPermanentFailure, type Mailer, type OutgoingMail } from './mailer.js';

/** What an email becomes when it is sent, or why there is nothing to send any more. */
export type Rendered = OutgoingMail | { drop: string };

export interface EmailOutboxOptions {
  /** How often each process looks for due emails (also woken at once by `kick`). */
  pollMs?: number;
  /** The first retry's wait; each next one doubles, up to `retryMaxMs`, with ±20% jitter. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Attempts before an email is given up (failed). */
  maxAttempts?: number;
  /** How long one process holds an email while sending it (the SMTP timeouts are shorter). */
  leaseMs?: number;
}

/**
 * Sends the store's email outbox off the request path (issue 13). Every process polls for due
 * emails; each email is sent under a lease (`email:<id>`, the coordination port: one holder across
 * processes) and re-read under it, so a process that finds it sent or rescheduled by another one
 * leaves it. The outcome is recorded by compare-and-set on the attempt count. A failure is retried
 * with exponential backoff, a 5xx refusal or the last attempt ends it as failed.
 *
 * Delivery is once per email, except in one window no outbox closes: a process dying after the
 * SMTP server accepted and before the outcome is written. The lease then expires and the email is
 * sent again, with the same Message-ID.
 */
export class EmailOutbox {
  private timer: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly options: Required<EmailOutboxOptions>;
  /** Every poll fails while the store is away: one line a minute says so. */
  private readonly warnReadFailed: (error: unknown) => void;

  constructor(
    private readonly deps: {
      store: Store;
      leases: Leases;
      mailer: Mailer;
      render: (email: EmailRecord) => Promise<Rendered>;
      clock: Clock;
      logger: Logger;
    },
    { pollMs = 2000, retryBaseMs = 30_000, retryMaxMs = 3_600_000, maxAttempts = 10, leaseMs = 120_000 }: EmailOutboxOptions = {},
  ) {
    this.options = { pollMs, retryBaseMs, retryMaxMs, maxAttempts, leaseMs };
    this.warnReadFailed = rareWarning(deps.logger, 'could not read the email outbox');
  }

  start(): void {
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Looks for due emails now (after one was queued); a drain under way looks again when done. */
  kick(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch(this.warnReadFailed)
      .finally(() => {
        this.draining = null;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Stops polling and waits for the sends under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.draining;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const due = await this.deps.store.dueEmails(this.deps.clock.now(), 20);
      let progressed = false;
      for (const email of due) {
        if (this.stopped) return;
        if (await this.deliver(email)) progressed = true;
      }
      // Emails other processes hold stay due: looked at again at the next poll, not in a loop now.
      if (due.length < 20 || !progressed) return;
    }
  }

  /** True when this process dealt with the email (whatever the outcome). */
  private async deliver(candidate: EmailRecord): Promise<boolean> {
    const { store, leases, mailer, logger, clock } = this.deps;
    const lease = await leases.acquire(`email:${candidate.id}`, this.options.leaseMs);
    if (!lease) return false;
    try {
      const email = await store.getEmail(candidate.id);
      if (!email || email.status !== 'pending' || email.nextAttemptAt > clock.now()) return false;
      const rendered = await this.deps.render(email);
      if ('drop' in rendered) {
        await store.updateEmail(email.id, email.attempts, { status: 'failed', lastError: rendered.drop });
        logger.info({ email: email.id, reason: rendered.drop }, 'email dropped');
        return true;
      }
      const attempts = email.attempts + 1;
      try {
        await mailer.send(rendered);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const final = isPermanentFailure(error) || attempts >= this.options.maxAttempts;
        const patch = final
          ? { status: 'failed' as const, attempts, lastError: reason }
          : { attempts, nextAttemptAt: clock.now() + this.backoff(attempts), lastError: reason };
        await store.updateEmail(email.id, email.attempts, patch);
        logger[final ? 'error' : 'warn']({ email: email.id, attempts, err: error }, final ? 'email failed for good' : 'email failed, will retry');
        return true;
      }
      await store.updateEmail(email.id, email.attempts, { status: 'sent', attempts, sentAt: clock.now(), lastError: null });
      logger.info({ email: email.id, kind: email.kind, attempts }, 'email sent');
      return true;
    } finally {
      await lease.release().catch((error: unknown) => logger.warn({ err: error }, 'could not release an email lease'));
    }
  }

  private backoff(attempts: number): number {
    const { retryBaseMs, retryMaxMs } = this.options;
    const wait = Math.min(retryMaxMs, retryBaseMs * 2 ** (attempts - 1));
    return Math.round(wait * (0.8 + Math.random() * 0.4));
  }
}
