/**
 * One visitor's data, for an admin answering a GDPR request (issue 11): export it whole, or
 * erase it. What the store keeps of a visitor is their record and their conversations: every
 * message (notes included), ratings of answers and of the conversation, a message left offline,
 * and the visitor context (pages, browser, attributes), and the files sent either way (issue 13:
 * listed in the export, deleted with the rest). Both are recorded in the audit log with counts
 * only, never the content.
 */
import type { AuditActor, VisitorErasure, VisitorExport, VisitorExportConversation } from '@support-chat/shared';
import { LIMITS } from '@support-chat/shared';
import type { Attachments } from '../attachments/attachments.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { Clock } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { ConversationRecord, Store } from '../store/types.js';

export class VisitorData {
  constructor(
    private readonly deps: { store: Store; audit: AuditLog; bus: DomainEventBus; clock: Clock; attachments: Attachments },
  ) {}

  async export(actor: AuditActor, visitorId: string): Promise<VisitorExport> {
    const { store, audit, clock } = this.deps;
    const [visitor, records] = await Promise.all([store.getVisitor(visitorId), store.listVisitorConversations(visitorId)]);
    // An erased visitor's bare record (no first-seen time) is nobody to export.
    if (!visitor?.createdAt && records.length === 0) throw unknownVisitor(visitorId);
    const conversations = await Promise.all(records.map((record) => this.exportConversation(record)));
    const messages = conversations.reduce((n, c) => n + c.messages.length, 0);
    await audit.record(actor, 'visitor.exported', { type: 'visitor', id: visitorId }, { conversations: conversations.length, messages });
    return {
      format: 'support-chat.visitor-export.v1',
      visitorId,
      exportedAt: clock.now(),
      firstSeenAt: visitor?.createdAt || null,
      conversations,
    };
  }

  /**
   * Removes the visitor from the store (and so from search and reports) in one transaction with
   * its audit entry, then announces it: their sockets are disconnected, consoles drop the
   * conversations (realtime/fanout.ts). No token issued before now opens the visitor again: their
   * page starts afresh as a new visitor (a signed user's, signing in, as the same one).
   */
  async erase(actor: AuditActor, visitorId: string): Promise<VisitorErasure> {
    const { store, audit, bus, clock } = this.deps;
    const conversationIds = (await store.listVisitorConversations(visitorId)).map((c) => c.id);
    const entry = audit.entry(actor, 'visitor.erased', { type: 'visitor', id: visitorId }, { conversations: conversationIds.length });
    const erased = await store.eraseVisitor(visitorId, clock.now(), entry);
    // The rows are gone (nothing can serve the files any more): now the bytes.
    const attachments = await this.deps.attachments.removeFiles(erased.attachments);
    if (!erased.visitor && erased.conversations === 0) throw unknownVisitor(visitorId);
    bus.emit('visitorErased', { visitorId, conversationIds });
    return { visitorId, conversations: erased.conversations, messages: erased.messages, attachments };
  }

  private async exportConversation(c: ConversationRecord): Promise<VisitorExportConversation> {
    const attachments = (await this.deps.store.listAttachments(c.id)).map(({ id, name, contentType, size, createdAt, uploadedBy }) => ({
      id,
      name,
      contentType,
      size,
      createdAt,
      uploadedBy,
    }));
    const messages = [];
    for (let afterSeq = 0; ; ) {
      const page = await this.deps.store.listMessages(c.id, { afterSeq, limit: LIMITS.historyPage, includeNotes: true });
      messages.push(...page);
      if (page.length < LIMITS.historyPage) break;
      afterSeq = page.at(-1)!.seq;
    }
    return {
      id: c.id,
      status: c.status,
      locale: c.locale,
      context: c.context,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      queuedAt: c.queuedAt,
      closedAt: c.closedAt,
      assignedAgentId: c.assignedAgentId,
      handoffReason: c.handoffReason ?? null,
      leftMessage: c.leftMessage ?? null,
      rating: c.rating ?? null,
      messages,
      attachments,
    };
  }
}

function unknownVisitor(visitorId: string): ChatError {
  return new ChatError('not_found', `No visitor ${visitorId} is stored (never seen, or erased already).`);
}
