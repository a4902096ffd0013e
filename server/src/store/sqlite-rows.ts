/**
 * How conversation and agent rows read back as records: shared by the store, its writer thread
 * (`sqlite-writes.ts`) and its reader thread (`sqlite-reads.ts`), which must not load the whole store.
 */
import type { ConversationStatus, VisitorContext, ConsoleKnowledgeEntry } from '@support-chat/shared';
import type { ConversationRecord, EmailKind, EmailRecord } from './types.js';

export interface ConversationRow {
  id: string;
  visitor_id: string;
  status: ConversationStatus;
  assigned_agent_id: string | null;
  locale: string;
  context: string;
  last_seq: number;
  created_at: number;
  updated_at: number;
  queued_at: number | null;
  closed_at: number | null;
  handoff_reason: string | null;
  left_message: string | null;
  visitor_read_seq: number;
  agent_read_seq: number;
  rating: string | null;
  human_involved: number;
  assigned_at: number | null;
  /** A sorted JSON array (migration 14); absent in rows read before it. */
  labels?: string;
}

export function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    visitorId: row.visitor_id,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    context: JSON.parse(row.context) as VisitorContext,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    queuedAt: row.queued_at,
    closedAt: row.closed_at,
    handoffReason: (row.handoff_reason as ConversationRecord['handoffReason']) ?? null,
    leftMessage: row.left_message ? (JSON.parse(row.left_message) as ConversationRecord['leftMessage']) : null,
    visitorReadSeq: row.visitor_read_seq ?? 0,
    agentReadSeq: row.agent_read_seq ?? 0,
    rating: row.rating ? (JSON.parse(row.rating) as ConversationRecord['rating']) : null,
    humanInvolved: row.human_involved === 1,
    assignedAt: row.assigned_at ?? null,
    labels: row.labels ? (JSON.parse(row.labels) as string[]) : [],
  };
}


export interface EmailRow {
  id: string;
  kind: EmailKind;
  conversation_id: string;
  recipient: string | null;
  from_seq: number;
  through_seq: number;
  status: EmailRecord['status'];
  attempts: number;
  next_attempt_at: number;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
}

/** Also the PostgreSQL store's mapping (its bigint columns parse to numbers there too). */
export function toEmail(row: EmailRow): EmailRecord {
  return {
    id: row.id,
    kind: row.kind,
    conversationId: row.conversation_id,
    to: row.recipient,
    fromSeq: Number(row.from_seq),
    throughSeq: Number(row.through_seq),
    status: row.status,
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    lastError: row.last_error,
  };
}

export interface KnowledgeEntryRow {
  id: string;
  question: string;
  phrasings: string;
  answer: string;
  lang: ConsoleKnowledgeEntry['lang'];
  tags: string;
  url: string | null;
  created_at: number;
  updated_at: number;
  updated_by: string;
  revision: number;
}

export function toKnowledgeEntry(row: KnowledgeEntryRow): ConsoleKnowledgeEntry {
  return {
    id: row.id,
    question: row.question,
    phrasings: JSON.parse(row.phrasings) as string[],
    answer: row.answer,
    lang: row.lang,
    tags: JSON.parse(row.tags) as string[],
    ...(row.url ? { url: row.url } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    revision: row.revision,
  };
}
