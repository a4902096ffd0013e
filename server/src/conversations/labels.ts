import type { AuditActor, ConversationHistoryItem, LabelCount } from '@support-chat/shared';
import type { AuditLog } from '../audit/audit-log.js';
import { ChatError } from '../errors.js';
import type { ConversationRecord, LabelChange, Store } from '../store/types.js';
import type { DomainEventBus } from './events.js';

/** Who changed labels, for the audit entry's detail: an agent, a routing rule or an API token. */
export type LabelSource = 'agent' | 'rule' | 'api';

/** How much of the first question a history row shows. */
const QUESTION_CHARS = 140;

/** The labels in use the console offers (its suggestions and inbox filter). */
export const LABELS_IN_USE = 100;

/**
 * Labels on conversations and the visitor's history (issue 13). A change is stored atomically
 * (`Store.changeConversationLabels`), announced as `labelsChanged` (every agent's inbox hears it;
 * the visitor never does) and audit-logged with what it added and removed.
 */
export class ConversationLabels {
  constructor(private readonly deps: { store: Store; bus: DomainEventBus; audit: AuditLog }) {}

  async change(actor: AuditActor, conversationId: string, change: LabelChange, source: LabelSource): Promise<ConversationRecord> {
    const result = await this.deps.store.changeConversationLabels(conversationId, change);
    if (!result) throw new ChatError('not_found', `No conversation ${conversationId}`);
    const { conversation, added, removed } = result;
    if (added.length || removed.length) {
      this.deps.bus.emit('labelsChanged', conversation);
      await this.deps.audit.record(actor, 'conversation.labelled', { type: 'conversation', id: conversationId }, { added, removed, source });
    }
    return conversation;
  }

  inUse(): Promise<LabelCount[]> {
    return this.deps.store.labelCounts(LABELS_IN_USE);
  }

  /**
   * The other conversations of `conversation`'s visitor and, when the site verified who they
   * are, of that user on any device; newest first. `cursor` is the `next` of the page before.
   */
  async history(
    conversation: ConversationRecord,
    { cursor, limit }: { cursor?: string | undefined; limit: number },
  ): Promise<{ conversations: ConversationHistoryItem[]; next?: string }> {
    const userId = conversation.context.verified?.userId;
    const rows = await this.deps.store.listConversationHistory({
      visitorId: conversation.visitorId,
      ...(userId ? { userId } : {}),
      excludeId: conversation.id,
      ...(cursor ? { before: parseCursor(cursor) } : {}),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const items = await Promise.all(
      page.map(async (c): Promise<ConversationHistoryItem> => {
        const first = await this.deps.store.firstVisitorMessage(c.id);
        return {
          id: c.id,
          status: c.status,
          createdAt: c.createdAt,
          ...(c.closedAt ? { closedAt: c.closedAt } : {}),
          ...(first ? { firstQuestion: first.text.slice(0, QUESTION_CHARS) } : {}),
          labels: c.labels ?? [],
          match: c.visitorId === conversation.visitorId ? 'visitor' : 'user',
        };
      }),
    );
    const last = page.at(-1);
    return { conversations: items, ...(rows.length > limit && last ? { next: `${last.createdAt}:${last.id}` } : {}) };
  }
}

function parseCursor(cursor: string): { createdAt: number; id: string } {
  const at = cursor.indexOf(':');
  return { createdAt: Number(cursor.slice(0, at)), id: cursor.slice(at + 1) };
}
