/**
 * Webhooks (issue 13): what admins register, and the domain events they hear. An event is queued
 * in the store (one write, on SQLite's writer thread) by the process that produced it, from a bus
 * listener that the chat path does not wait for; the dispatcher sends it (webhook-dispatcher.ts).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookCreated, WebhookDelivery, WebhookEventType, WebhookPayload, Webhook } from '@support-chat/shared';
import type { Clock } from '../conversations/service.js';
import type { DomainEventBus } from '../conversations/events.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { WebhookPatch, WebhookRecord } from '../store/integration-types.js';
import type { AgentRecord, Store } from '../store/types.js';
import { conversationCreatedEvent, messageEvent, ratedEvent, type ChatEvent } from './webhook-events.js';
import { checkWebhookUrl } from './webhook-target.js';

/** Another process's new hook is heard within this long (this process's at once). */
const SUBSCRIPTIONS_CACHE_MS = 1000;

export function publicWebhook({ secret: _secret, createdBy: _by, ...hook }: WebhookRecord): Webhook {
  return hook;
}

export class Webhooks {
  /** The event types active hooks listen to, as read at `at`; `known` once the read resolved. */
  private subscriptions: { at: number; types: Promise<ReadonlySet<string>>; known?: ReadonlySet<string> } | null = null;

  constructor(
    private readonly deps: {
      store: Store;
      clock: Clock;
      logger: Logger;
      allowInternal: boolean;
      /** Queued deliveries are waiting: the dispatcher looks now. */
      queued: () => void;
    },
  ) {}

  async create(admin: AgentRecord, input: { url: string; events: WebhookEventType[]; description: string }): Promise<WebhookCreated> {
    const url = checkWebhookUrl(input.url, this.deps).toString();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const hook: WebhookRecord = { id: randomUUID(), url, events: input.events, description: input.description, secret, active: true, createdAt: this.deps.clock.now(), createdBy: admin.id };
    await this.deps.store.createWebhook(hook);
    this.subscriptions = null;
    return { webhook: publicWebhook(hook), secret };
  }

  async list(): Promise<Webhook[]> {
    return (await this.deps.store.listWebhooks()).map(publicWebhook);
  }

  async update(id: string, patch: WebhookPatch): Promise<Webhook> {
    const checked = patch.url === undefined ? patch : { ...patch, url: checkWebhookUrl(patch.url, this.deps).toString() };
    const hook = await this.deps.store.updateWebhook(id, checked);
    if (!hook) throw new ChatError('not_found', 'No such webhook.');
    this.subscriptions = null;
    return publicWebhook(hook);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.deps.store.deleteWebhook(id))) throw new ChatError('not_found', 'No such webhook.');
    this.subscriptions = null;
  }

  /** Queues a `ping` for this hook alone (the console's "send test event"). */
  async test(id: string): Promise<WebhookDelivery> {
    const hook = await this.deps.store.getWebhook(id);
    if (!hook) throw new ChatError('not_found', 'No such webhook.');
    const eventId = randomUUID();
    await this.enqueue('ping', { webhook: { id: hook.id } }, { eventId, webhookId: id });
    const [delivery] = await this.deps.store.listWebhookDeliveries({ webhookId: id, limit: 1 });
    return delivery!;
  }

  async deliveries(webhookId: string, query: { status?: WebhookDelivery['status']; limit: number }): Promise<WebhookDelivery[]> {
    if (!(await this.deps.store.getWebhook(webhookId))) throw new ChatError('not_found', 'No such webhook.');
    return this.deps.store.listWebhookDeliveries({ webhookId, ...query });
  }

  async retryNow(deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.deps.store.retryWebhookDelivery(deliveryId, this.deps.clock.now());
    if (!delivery) throw new ChatError('not_found', 'No such delivery.');
    this.deps.queued();
    return delivery;
  }

  /**
   * Turns domain events into queued deliveries. Returns the stop, which resolves once the events
   * heard before it are in the store: call it once nothing writes any more (app.ts `close`), so
   * the events of a shutdown's last messages are queued before the store closes.
   */
  listen(bus: DomainEventBus): () => Promise<void> {
    const queueing = new Set<Promise<void>>();
    // The payload is built only when a hook listens: most sites have none, and this runs per message.
    const queue = ({ type, id, data }: ChatEvent) => {
      // Nobody listens (as known within the cache's second): no promise, nothing built (issue 9).
      const cached = this.subscriptions;
      if (cached?.known && Date.now() - cached.at <= SUBSCRIPTIONS_CACHE_MS && !cached.known.has(type)) return;
      const queued = this.enqueueIfHeard(type, data, id)
        .catch((error: unknown) => this.deps.logger.error({ err: error, type }, 'queueing a webhook event failed'))
        .finally(() => queueing.delete(queued));
      queueing.add(queued);
    };
    const off = [
      bus.on('conversationCreated', (conversation) => queue(conversationCreatedEvent(conversation))),
      bus.on('messageCreated', (message, conversation) => {
        const event = messageEvent(message, conversation);
        if (event) queue(event);
      }),
      // A hand-off's event is its line's (messageEvent); a rating's id is made of its time (ratedEvent).
      bus.on('conversationRated', (conversation) => {
        const event = ratedEvent(conversation);
        if (event) queue(event);
      }),
    ];
    return async () => {
      off.forEach((unsubscribe) => unsubscribe());
      await Promise.allSettled([...queueing]);
    };
  }

  /**
   * Queues an event the listener never did (webhook-catch-up.ts) for one hook, with the id the
   * listener gives it: if the listener did queue it after all, the queue keeps one.
   */
  async enqueueMissed(webhookId: string, event: ChatEvent, at: number): Promise<void> {
    await this.enqueue(event.type, event.data(), { eventId: event.id, webhookId, at });
  }

  /**
   * Skips the write when no active hook listens to `type` (the usual case on a site without
   * hooks: no write per message), as known within a second.
   */
  private async enqueueIfHeard(type: WebhookEventType, data: () => WebhookPayload['data'], eventId: string): Promise<void> {
    const now = Date.now();
    if (!this.subscriptions || now - this.subscriptions.at > SUBSCRIPTIONS_CACHE_MS) {
      const types = this.deps.store.listWebhooks().then((hooks) => new Set(hooks.filter((h) => h.active).flatMap((h) => h.events)));
      const subscriptions: NonNullable<Webhooks['subscriptions']> = { at: now, types };
      this.subscriptions = subscriptions;
      types.then(
        (known) => (subscriptions.known = known),
        () => {
          if (this.subscriptions === subscriptions) this.subscriptions = null;
        },
      );
    }
    if (!(await this.subscriptions.types).has(type)) return;
    await this.enqueue(type, data(), { eventId });
  }

  private async enqueue(
    type: WebhookPayload['type'],
    data: WebhookPayload['data'],
    { eventId, webhookId, at = this.deps.clock.now() }: { eventId: string; webhookId?: string; at?: number },
  ): Promise<void> {
    const payload: WebhookPayload = { id: eventId, type, createdAt: at, data };
    const queued = await this.deps.store.enqueueWebhookEvent({ id: eventId, type, at, body: JSON.stringify(payload) }, webhookId ? { webhookId } : {});
    if (queued > 0) this.deps.queued();
  }
}
