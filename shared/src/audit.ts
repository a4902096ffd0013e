/**
 * The audit log (issue 11): who did what to which conversation, agent, visitor or setting. The
 * actions are a closed set, named `subject.past_tense`; the console words them, the server
 * records them (`server/src/audit/audit-log.ts`).
 */
import type { Locale } from './locale.js';
import type { ChatMessage, ConversationRating, ConversationStatus, HandoffReason, VisitorContext } from './model.js';

export const AUDIT_ACTIONS = [
  'agent.logged_in',
  'agent.logged_out',
  'conversation.claimed',
  'conversation.transferred',
  'conversation.handed_back',
  'conversation.reopened',
  'conversation.closed',
  'conversation.labelled',
  'agent.created',
  'agent.updated',
  'agent.deactivated',
  'agent.reactivated',
  'settings.routing_changed',
  'settings.welcome_changed',
  'canned_reply.created',
  'canned_reply.updated',
  'canned_reply.deleted',
  'knowledge.reindexed',
  'knowledge.entry_created',
  'knowledge.entry_updated',
  'knowledge.entry_deleted',
  'knowledge.proposal_accepted',
  'knowledge.proposal_rejected',
  'visitor.exported',
  'visitor.erased',
  'webhook.created',
  'webhook.updated',
  'webhook.deleted',
  'api_token.created',
  'api_token.revoked',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['conversation', 'agent', 'visitor', 'setting', 'canned_reply', 'knowledge', 'webhook', 'api_token'] as const;

export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** What an action was done to: a conversation id, an agent id, a visitor id, a setting's name… */
export interface AuditTarget {
  type: AuditTargetType;
  id: string;
}

/** Who did it, as they were named then (a renamed or deleted agent's old entries keep the old name). */
export interface AuditActor {
  id: string;
  name: string;
}

/** A small JSON object of facts about the action (never visitor content or passwords). */
export type AuditDetail = Record<string, string | number | boolean | null | string[]>;

export interface AuditEntry {
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  actor: AuditActor;
  action: AuditAction;
  target: AuditTarget;
  detail: AuditDetail;
}

/** `GET /api/admin/audit`: newest first; `next` is the cursor of the following page, absent at the end. */
export interface AuditPage {
  entries: AuditEntry[];
  next?: string;
}

export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}

/** One conversation of a visitor's data export, with every message (internal notes included). */
export interface VisitorExportConversation {
  id: string;
  status: ConversationStatus;
  locale: Locale;
  context: VisitorContext;
  createdAt: number;
  updatedAt: number;
  queuedAt: number | null;
  closedAt: number | null;
  assignedAgentId: string | null;
  handoffReason: HandoffReason | null;
  leftMessage: { email: string; name?: string } | null;
  rating: ConversationRating | null;
  messages: ChatMessage[];
  /** The files of the conversation (issue 13), as stored; the bytes are not in the export. */
  attachments: VisitorExportAttachment[];
}

export interface VisitorExportAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  createdAt: number;
  /** The visitor's id, or the id of the agent who sent it. */
  uploadedBy: string;
}

/** `GET /api/admin/visitors/:visitorId/export`: everything the store keeps about one visitor. */
export interface VisitorExport {
  format: 'support-chat.visitor-export.v1';
  visitorId: string;
  exportedAt: number;
  firstSeenAt: number | null;
  conversations: VisitorExportConversation[];
}

/** `DELETE /api/admin/visitors/:visitorId` answers what it removed. */
export interface VisitorErasure {
  visitorId: string;
  conversations: number;
  messages: number;
  /** Files deleted with them (issue 13). */
  attachments: number;
}
