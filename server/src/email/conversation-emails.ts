import { isSignedUserVisitor } from '../auth/verified-user.js';
import { createHash } from 'node:crypto';
import type { ChatMessage } from '@support-chat/shared';
import type { VisitorTokens } from '../auth/visitor-token.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { Clock } from '../conversations/service.js';
import type { Timers } from '../coordination/types.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ConversationRecord, EmailKind, EmailRecord, Store } from '../store/types.js';
import type { EmailOutbox, Rendered } from './email-outbox.js';
import { conversationMail, offlineMessageMail } from './templates.js';

const TIMER = 'mail:';

export interface EmailSettings {
  /** Addresses that hear of messages left while nobody could chat. */
  team: string[];
  /** A visitor away this long with an unread reply gets it by email. */
  awayMs: number;
  /** A visitor who left a message gets a reply this soon once they are not on the page (replies in a burst go together). */
  replyDelayMs?: number;
  /** The page with the widget that links open. */
  linkUrl: string;
  linkTtlMs: number;
  /** The server's own address (PUBLIC_URL): the console link, and the Message-ID's domain. */
  publicUrl: string;
}

/**
 * The team's email of a message left at `at`: one id per conversation and quarter of an hour of
 * its life (counted from its start, so messages left together at its start share one), and the
 * outbox keeps the first. Each left message had its own, and a visitor's 20 a minute each mailed
 * the whole team, with a Reply-To and a name of the visitor's choosing (a probe).
 */
export function teamEmailId(conversation: Pick<ConversationRecord, 'id' | 'createdAt'>, at: number): string {
  return `offline:${conversation.id}:${Math.floor(Math.max(0, at - conversation.createdAt) / TEAM_EMAIL_EVERY_MS)}`;
}

const TEAM_EMAIL_EVERY_MS = 15 * 60 * 1000;

/** Where a visitor can be written to: the address they left with a message, or their verified one. */
export function visitorAddress(conversation: ConversationRecord): string | null {
  return conversation.leftMessage?.email ?? conversation.context.verified?.email ?? null;
}

/**
 * When conversations turn into email (issue 13), and what each email says. Queues into the store's
 * outbox (durable, deduplicated by id); `EmailOutbox` sends.
 * - A message left while nobody could chat: the team, at once, the first of a conversation's in
 *   each quarter of an hour (`teamEmailId`).
 * - The team's replies a visitor has not read: once the visitor has no socket open, after
 *   `replyDelayMs` for a visitor who left a message (they wait for email), after `awayMs` for
 *   anyone else with an address. A shared timer (`mail:<conversationId>`) fires on one process,
 *   which checks that the visitor is still away and what is still unread
 *   (`reply:<conversationId>:<lastSeq>`, only replies after the last such email).
 * - A transcript the visitor asked for once the conversation closed (`transcript:<conversationId>`).
 */
export class ConversationEmails {
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly deps: {
      store: Store;
      bus: DomainEventBus;
      timers: Timers;
      outbox: Pick<EmailOutbox, 'kick'>;
      tokens: VisitorTokens;
      /** Whether any process holds a socket of the visitor now. */
      visitorConnected: (visitorId: string) => Promise<boolean>;
      clock: Clock;
      logger: Logger;
      settings: EmailSettings;
    },
  ) {}

  start(): void {
    const { bus, timers, logger } = this.deps;
    this.offs.push(
      bus.on('messageCreated', (message, conversation) => {
        if (message.author !== 'agent' || message.kind !== 'text' || !visitorAddress(conversation)) return;
        // Kept when already set: a stream of replies does not push the email back for ever.
        this.schedule(conversation, { keepExisting: true });
      }),
    );
    timers.start(async (key) => {
      if (key.startsWith(TIMER)) await this.replyDue(key.slice(TIMER.length));
    });
    logger.debug('conversation emails started');
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /**
   * The visitor left a message (`offline:leave`): the team hears of it, once per conversation a
   * quarter of an hour (the later ones wait in the console with it). Durable before the ack.
   */
  async messageLeft(conversation: ConversationRecord, message: ChatMessage): Promise<void> {
    if (this.deps.settings.team.length === 0) return;
    await this.enqueue({ id: teamEmailId(conversation, message.createdAt), kind: 'offline_message', conversationId: conversation.id, fromSeq: message.seq - 1, throughSeq: message.seq });
  }

  /** The visitor's last socket on this process closed: their unread replies may go by email. */
  async visitorLeft(visitorId: string): Promise<void> {
    const conversation = await this.deps.store.findLatestConversation(visitorId);
    if (!conversation || !visitorAddress(conversation)) return;
    if ((conversation.visitorReadSeq ?? 0) >= conversation.lastSeq) return;
    this.schedule(conversation, { keepExisting: false });
  }

  /** The visitor asks for their closed conversation by email, at `to` or the address known for them. */
  async requestTranscript(visitorId: string, conversationId: string, to: string | undefined): Promise<void> {
    const conversation = await this.deps.store.getConversation(conversationId);
    if (!conversation || conversation.visitorId !== visitorId) throw new ChatError('not_found', 'No such conversation.');
    if (conversation.status !== 'closed') throw new ChatError('invalid_state', 'A transcript can be sent once the conversation is closed.');
    const address = to ?? visitorAddress(conversation);
    if (!address) throw new ChatError('invalid_payload', 'Give the email address to send the transcript to.');
    // Once per conversation: a visitor cannot make the server mail one transcript to many addresses.
    await this.enqueue({ id: `transcript:${conversation.id}`, kind: 'transcript', conversationId, to: address, fromSeq: 0, throughSeq: conversation.lastSeq });
  }

  /** What the email says, written now from the conversation as it is. */
  async render(email: EmailRecord): Promise<Rendered> {
    const { store, settings, tokens, clock } = this.deps;
    const conversation = await store.getConversation(email.conversationId);
    if (!conversation) return { drop: 'the conversation no longer exists' };
    const messages = (await store.listMessages(conversation.id, { afterSeq: email.fromSeq, limit: 500 })).filter(
      (m) => m.seq <= email.throughSeq && m.kind === 'text' && (email.kind !== 'agent_reply' || m.author === 'agent'),
    );
    if (messages.length === 0) return { drop: 'nothing left to send' };
    const base = { messageId: `<${createHash('sha256').update(email.id).digest('hex').slice(0, 32)}@${new URL(settings.publicUrl).hostname}>` };
    if (email.kind === 'offline_message') {
      const visitor = conversation.leftMessage ?? { email: visitorAddress(conversation) ?? '' };
      const mail = offlineMessageMail(conversation.locale, {
        visitor,
        text: messages[messages.length - 1]!.text,
        pageUrl: conversation.context.pageUrl,
        consoleUrl: new URL('/console', settings.publicUrl).href,
      });
      return { ...base, ...mail, to: settings.team, ...(visitor.email ? { replyTo: visitor.email } : {}) };
    }
    const to = email.to ?? visitorAddress(conversation);
    if (!to) return { drop: 'no address for the visitor' };
    let back: { url: string; hours: number } | undefined;
    if (email.kind === 'agent_reply') {
      const link = new URL(settings.linkUrl);
      // Without a lifetime (MAIL_LINK_TTL_HOURS=0) the page alone: the visitor continues where they
      // chatted. A signed-in user's too: signing in opens their conversation on any device, and a
      // link (to an address they typed, not the site's) would let it be taken without signing in.
      const now = clock.now();
      if (settings.linkTtlMs > 0 && !isSignedUserVisitor(conversation.visitorId)) {
        link.hash = `sc-resume=${tokens.issueResume(conversation.visitorId, now + settings.linkTtlMs, now)}`;
      }
      back = { url: link.href, hours: settings.linkTtlMs > 0 ? Math.max(1, Math.round(settings.linkTtlMs / 3_600_000)) : 0 };
    }
    const mail = conversationMail(conversation.locale, email.kind, { messages, ...(back ? { link: back } : {}) });
    return { ...base, ...mail, to: [to] };
  }

  private schedule(conversation: ConversationRecord, { keepExisting }: { keepExisting: boolean }): void {
    const { settings, timers, logger } = this.deps;
    const delay = conversation.leftMessage ? (settings.replyDelayMs ?? 5000) : settings.awayMs;
    timers
      .set(TIMER + conversation.id, delay, { keepExisting })
      .catch((error: unknown) => logger.warn({ err: error, conversationId: conversation.id }, 'could not set the reply email timer'));
  }

  /** The timer fired on this process: email the unread replies if the visitor is still away. */
  private async replyDue(conversationId: string): Promise<void> {
    const { store, visitorConnected } = this.deps;
    const conversation = await store.getConversation(conversationId);
    if (!conversation || !visitorAddress(conversation)) return;
    if (await visitorConnected(conversation.visitorId)) return; // their leaving sets the timer again
    const kinds: EmailKind[] = ['agent_reply'];
    const fromSeq = Math.max(conversation.visitorReadSeq ?? 0, await store.emailedThroughSeq(conversationId, kinds));
    const unread = (await store.listMessages(conversationId, { afterSeq: fromSeq, limit: 500 })).filter((m) => m.author === 'agent' && m.kind === 'text');
    const last = unread[unread.length - 1];
    if (!last) return;
    await this.enqueue({ id: `reply:${conversationId}:${last.seq}`, kind: 'agent_reply', conversationId, fromSeq, throughSeq: last.seq });
  }

  private async enqueue(email: Pick<EmailRecord, 'id' | 'kind' | 'conversationId' | 'fromSeq' | 'throughSeq'> & { to?: string }): Promise<void> {
    const now = this.deps.clock.now();
    const queued = await this.deps.store.enqueueEmail({
      to: null,
      ...email,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      createdAt: now,
      sentAt: null,
      lastError: null,
    });
    if (queued) this.deps.outbox.kick();
  }
}
