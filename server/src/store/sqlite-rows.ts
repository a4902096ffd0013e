/**
 * How conversation and agent rows read back as records: shared by the store, its writer thread
 * (`sqlite-writes.ts`) and its reader thread (`sqlite-reads.ts`), which must not load the whole store.
 */
import type { ConversationStatus, VisitorContext, ConsoleKnowledgeEntry, KnowledgeProposal } from '@support-chat/shared';
import type { AttachmentRecord, ConversationRecord, EmailKind, EmailRecord } from './types.js';

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

/** A knowledge proposal row (issue 14); PostgreSQL's has `examples` parsed already. */
export interface ProposalRow {
  id: string;
  kind: KnowledgeProposal['kind'];
  status: KnowledgeProposal['status'];
  question: string;
  answer: string;
  lang: KnowledgeProposal['lang'];
  entry_id: string | null;
  entry_question: string | null;
  trigger: KnowledgeProposal['trigger'];
  count: number | string;
  examples: string | KnowledgeProposal['examples'];
  created_at: number | string;
  updated_at: number | string;
  decided_at: number | string | null;
  decided_by: string | null;
}

export function toProposal(row: ProposalRow): KnowledgeProposal {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    question: row.question,
    answer: row.answer,
    lang: row.lang,
    ...(row.entry_id !== null ? { entryId: row.entry_id } : {}),
    ...(row.entry_question !== null ? { entryQuestion: row.entry_question } : {}),
    trigger: row.trigger,
    count: Number(row.count),
    examples: typeof row.examples === 'string' ? (JSON.parse(row.examples) as KnowledgeProposal['examples']) : row.examples,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.decided_at !== null ? { decidedAt: Number(row.decided_at) } : {}),
    ...(row.decided_by !== null ? { decidedBy: row.decided_by } : {}),
  };
}

export interface LearnedPhrasingRow {
  entry_id: string;
  phrasing: string;
  added_at: number;
  added_by: string;
}
export interface AttachmentRow {
  id: string;
  conversation_id: string;
  storage_key: string;
  name: string;
  content_type: AttachmentRecord['contentType'];
  size: number | string;
  uploaded_by: string;
  created_at: number | string;
}

/** Also the PostgreSQL store's mapping (bigint columns arrive as strings there). */
export function toAttachment(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    storageKey: row.storage_key,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size),
    uploadedBy: row.uploaded_by,
    createdAt: Number(row.created_at),
  };
}
