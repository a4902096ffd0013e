/**
 * How conversation and agent rows read back as records: shared by the store, its writer thread
 * (`sqlite-writes.ts`) and its reader thread (`sqlite-reads.ts`), which must not load the whole store.
 */
import type { ConsoleKnowledgeEntry, ConversationStatus, VisitorContext } from '@support-chat/shared';
import type { ConversationRecord } from './types.js';

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
