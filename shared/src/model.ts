/**
 * What the server tells clients about conversations and messages. Plain data, JSON-safe;
 * timestamps are milliseconds since the epoch.
 */

import type { Locale } from './locale.js';
import type { SystemNote } from './system-note.js';

/** `bot`: the AI is answering; `queued`: waiting for a person; `assigned`: a person has it. */
export const CONVERSATION_STATUSES = ['bot', 'queued', 'assigned', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * The inbox's paged parts (issue 9): `mine` (assigned to the asking agent), `team` (assigned to
 * anyone: the console files its own under Mine), `bot` (AI-handled), `closed`. Queued
 * conversations are never paged: `inbox:list` always returns all of them.
 */
export const INBOX_PAGE_SECTIONS = ['mine', 'team', 'bot', 'closed'] as const;
export type InboxPageSection = (typeof INBOX_PAGE_SECTIONS)[number];

export const MESSAGE_AUTHORS = ['visitor', 'ai', 'agent', 'system'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/**
 * `text`: a chat line everyone in the conversation sees.
 * `note`: internal, agents only (hand-off summaries, agent notes). Never sent to a visitor.
 * `event`: a system line describing a change ("queued", "Anna joined", "closed").
 */
export type MessageKind = 'text' | 'note' | 'event';

/**
 * Whether a message is someone speaking in the conversation (the visitor, an agent or the AI):
 * what an inbox row previews. System lines and internal notes move the row but are not shown
 * (issue 13: every row read "System: Ann joined the c…" instead of the visitor's words).
 */
export function isChatMessage(message: { author: MessageAuthor; kind: MessageKind }): boolean {
  return message.kind === 'text' && message.author !== 'system';
}

/** Why the AI answered the way it did; kept with the message for the team (and reports). */
export interface AnswerProvenance {
  responder: 'offline' | 'openai';
  model?: string;
  passageIds: string[];
  scores: number[];
  /** false when the AI could not answer from the knowledge base and offered a person instead. */
  answered: boolean;
  latencyMs: number;
  promptTokens?: number;
  completionTokens?: number;
  /** The part of the visitor's message the answer was matched to, when not all of it (offline: a clause asked alone). */
  matched?: string;
}

export interface Source {
  /** Knowledge entry id. */
  id: string;
  title: string;
  url?: string;
}

/** System events a visitor's widget renders as status lines, localised on the client. */
export type SystemEvent =
  /** `reason` tells the visitor why (absent: an agent's disconnect put it back, or stored before it was sent). */
  | { type: 'queued'; reason?: HandoffReason }
  | { type: 'assigned'; agentName: string }
  | { type: 'transferred'; agentName: string }
  | { type: 'returned_to_ai' }
  | { type: 'closed'; by: MessageAuthor };

export interface ChatMessage {
  id: string;
  conversationId: string;
  /** 1, 2, 3… per conversation, in the order the server stored them. Resume asks for `> seq`. */
  seq: number;
  author: MessageAuthor;
  kind: MessageKind;
  /** Display name of an agent author. */
  authorName?: string;
  text: string;
  /** The client's idempotency key for messages a client sent. */
  clientId?: string;
  createdAt: number;
  /** Knowledge the AI used for this answer. */
  sources?: Source[];
  /** Quick-reply questions the visitor can tap (the AI's closest matches when unsure). */
  suggestions?: string[];
  /** For `kind: 'event'`. */
  event?: SystemEvent;
  /** A note the server wrote (`kind: 'note'`, author `system`), as data: consoles word it in their language. */
  note?: SystemNote;
  /** AI answers only; agents see it, visitors do not. */
  provenance?: AnswerProvenance;
  /** The stream this answer finished (`ai:token` events carried the same id). */
  streamId?: string;
  /** The visitor's thumbs up / down on an AI answer. */
  feedback?: AnswerFeedback;
  /** A file sent with the message (issue 13); `text` then holds its name, for previews and older clients. */
  attachment?: Attachment;
  /** Posted through the REST API: the id of the token used (not its secret). For the team and integrations; visitors' copies leave it out. */
  apiTokenId?: string;
}

/**
 * A file in a conversation (issue 13): what clients need to show it. The bytes are fetched from
 * `HTTP_ROUTES.visitorAttachments/:id` (the visitor, with their token) or
 * `HTTP_ROUTES.attachments/:id` (agents, with their session).
 */
export interface Attachment {
  id: string;
  /** The sender's file name, cleaned of paths and control characters (attachments/file-name.ts). */
  name: string;
  /** What the server found the bytes to be, never what the client said: one of `ATTACHMENT_TYPES`. */
  contentType: AttachmentType;
  size: number;
}

/**
 * The file types a conversation accepts (issue 13's defaults): images browsers show, PDF, plain
 * text and the common office documents. Checked on the bytes (server/src/attachments/sniff.ts).
 * No SVG (it can carry script), no HTML, no executables or archives.
 */
export const ATTACHMENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

/** Shown inline (a thumbnail, then the picture); everything else is a download. */
export function isInlineImage(type: string): boolean {
  return type === 'image/png' || type === 'image/jpeg' || type === 'image/gif' || type === 'image/webp';
}

export type AnswerFeedback = 'helpful' | 'not_helpful';

/** Why a conversation went to people. */
/** `attachment`: the visitor sent a file the AI cannot read (it said "the AI could not answer" before). */
export type HandoffReason = 'visitor_request' | 'ai_unanswered' | 'attachment' | 'rule' | 'agent_takeover' | 'offline_message';

/** The visitor's rating of a closed conversation (CSAT). */
export interface ConversationRating {
  score: 1 | 2 | 3 | 4 | 5;
  comment?: string;
  ratedAt: number;
}

/** Can a visitor reach a person right now? Drives "talk to a person" vs "leave a message". */
export interface Availability {
  /** Agents online (not away) who can take a conversation now. */
  agentsOnline: number;
  /** Inside business hours (always true when no schedule is set). */
  withinHours: boolean;
  /** A person can be reached now; otherwise the widget offers to leave a message. */
  acceptingChats: boolean;
  /** When business hours next begin, if outside them. */
  nextOpenAt?: number;
}

/** What the site and browser told us about the visitor (shown to agents). */
export interface VisitorContext {
  pageUrl?: string;
  pageTitle?: string;
  referrer?: string;
  language?: string;
  timeZone?: string;
  userAgent?: string;
  /** From the page's identify(): anyone can send anything here, so agents see it as unverified. */
  attributes?: Record<string, string>;
  /** The site's signed user, set by the server from a verified token, never by the widget. */
  verified?: VerifiedUser;
}

/** A user the site vouched for with a token signed by IDENTITY_SECRET (identity verification). */
export interface VerifiedUser {
  userId: string;
  name?: string | undefined;
  email?: string | undefined;
  /** Every other claim of the token. Routing rules read only these. */
  attributes: Record<string, string>;
}

/** The visitor's view of their conversation. */
export interface VisitorConversation {
  id: string;
  status: ConversationStatus;
  /** 1-based place among queued conversations, while queued. */
  queuePosition?: number;
  /** Estimated wait until a person joins, while queued (seconds). */
  estimatedWaitSeconds?: number;
  agentName?: string;
  lastSeq: number;
  createdAt: number;
  /** Set once the visitor rated the closed conversation. */
  rating?: ConversationRating;
  /** Set once the visitor left a message in it (nobody was available): not offered again. */
  messageLeft?: true;
}

/** The agents' view: everything the inbox and conversation header need. */
export interface AgentConversation {
  id: string;
  visitorId: string;
  status: ConversationStatus;
  assignedAgentId?: string;
  assignedAgentName?: string;
  queuePosition?: number;
  lastSeq: number;
  lastMessage?: { author: MessageAuthor; kind: MessageKind; text: string; createdAt: number };
  context: VisitorContext;
  createdAt: number;
  /**
   * Last activity, to the second: a message moves it only once it is a second newer (the newest
   * message's own time is `lastMessage.createdAt`). Of two versions, the one with the higher
   * `lastSeq` is later; `updatedAt` breaks a tie.
   */
  updatedAt: number;
  queuedAt?: number;
  closedAt?: number;
  handoffReason?: HandoffReason;
  /** A message left while nobody was available (status `queued` until an agent claims it). */
  leftMessage?: { email: string; name?: string };
  /** Highest seq the visitor has seen (read receipts). */
  visitorReadSeq?: number;
  /** Highest seq the agent handling it has read (any agent's, while nobody handles it): unread counts. */
  agentReadSeq?: number;
  rating?: ConversationRating;
  /** True when a person took part (for AI-resolution figures). */
  humanInvolved?: boolean;
  /** Normalised labels (`labels.ts`), sorted. */
  labels: string[];
}

/**
 * What a new message or a read receipt changes in an inbox row (`inbox:patched`): merged into the
 * conversation the console already holds. Status changes come whole, as `conversation:updated`.
 */
export type AgentConversationPatch = Pick<AgentConversation, 'id' | 'lastSeq' | 'updatedAt' | 'lastMessage' | 'visitorReadSeq' | 'agentReadSeq'>;

export type AgentRole = 'admin' | 'agent';

export interface AgentProfile {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  /** Most conversations routing gives this agent at once. */
  capacity: number;
  /** When an admin deactivated the account (it cannot sign in or be given conversations); absent while active. */
  deactivatedAt?: number;
  /** The console's language this agent picked (kept with the account, so every device agrees); absent: the browser's. */
  locale?: Locale;
}

export const PRESENCE_STATUSES = ['online', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

/** One teammate as the console's team list and routing see them. */
export interface AgentPresence {
  agentId: string;
  name: string;
  role: AgentRole;
  status: PresenceStatus;
  openConversations: number;
  capacity: number;
  /** Deactivated by an admin (`presence:changed` only): no longer on the team, consoles drop them. */
  deactivated?: true;
}

/** A saved reply an agent inserts by typing "/" and its shortcut. */
export interface CannedReply {
  id: string;
  /** Lowercase letters, digits and "-", e.g. `refund-time`. */
  shortcut: string;
  text: string;
  updatedAt: number;
}

/** A question the AI could not answer from the knowledge base (a knowledge gap). */
export interface KnowledgeGap {
  question: string;
  count: number;
  lastAskedAt: number;
  conversationId: string;
}

/** Admin settings of routing and availability. */
export interface RoutingSettings {
  /** `auto`: assign to the least-busy online agent within capacity; `manual`: agents claim. */
  assignment: 'auto' | 'manual';
  defaultCapacity: number;
  /** How long an agent may be disconnected before their conversations go back to the queue. */
  disconnectGraceSeconds: number;
  /** Visitor messages containing any of these go straight to a person (case-insensitive). */
  handoffKeywords: string[];
  /** Visitor attributes (from identify()) that route straight to a person, e.g. plan=vip. */
  handoffAttributes: { key: string; value: string }[];
  businessHours: BusinessHours | null;
  /** Agents, not only admins, may browse and edit the knowledge in the console (issue 14). */
  agentsManageKnowledge?: boolean;
  /** Rules whose action adds a label to the conversation (issue 13); absent: none. */
  labelRules?: LabelRule[];
}

/**
 * When a visitor message mentions `keyword` (matched as the hand-off keywords are), or the
 * signed user's attribute `key` is `value`, the conversation gets `label`.
 */
export type LabelRule =
  | { keyword: string; label: string }
  | { attribute: { key: string; value: string }; label: string };

/** What the widget shows on its first open, in one language (issue 12). Plain text, never Markdown. */
export interface WelcomeText {
  /** Shown as the assistant's first bubble, atop the conversation; not stored as a message. Empty: none. */
  greeting: string;
  /** Questions the visitor can tap to send, shown until the conversation has messages (0–4). */
  starters: string[];
}

/**
 * The admin's greeting and starter questions, per language. Visitors receive it with each
 * language's empty parts filled from the other language, so the widget just picks its own.
 */
export type WelcomeSettings = Record<'en' | 'zh-CN', WelcomeText>;

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** A weekly schedule in one IANA time zone; each day lists [start, end) ranges as "HH:MM". */
export interface BusinessHours {
  timeZone: string;
  days: Partial<Record<Weekday, [string, string][]>>;
}

/** What the reports page shows, for a date range. */
export interface ReportSummary {
  from: number;
  to: number;
  timeZone: string;
  conversationsPerDay: { day: string; total: number; aiResolved: number; handedOff: number }[];
  totals: {
    conversations: number;
    closed: number;
    aiResolved: number;
    handedOff: number;
    /** aiResolved / closed. */
    aiResolutionRate: number | null;
    /** handedOff / conversations. */
    handoffRate: number | null;
  };
  firstResponseSeconds: { median: number | null; p90: number | null; samples: number };
  csat: { average: number | null; responses: number; distribution: Record<'1' | '2' | '3' | '4' | '5', number> };
  answerRatings: { helpful: number; notHelpful: number };
  knowledgeGaps: KnowledgeGap[];
  /** Figures per label of the conversations created in the range, most used first (issue 13). */
  labels: LabelFigures[];
}

/** One label's share of a report's conversations. */
export interface LabelFigures {
  label: string;
  conversations: number;
  handedOff: number;
  aiResolved: number;
  /** Average CSAT of its rated conversations (null: none rated). */
  csatAverage: number | null;
}

/** What `inbox:list` answers. */
export interface InboxListing {
  /** Without `section`: every queued conversation plus the first page of each paged section; with it, that page. */
  conversations: AgentConversation[];
  /** An opaque cursor for each section that has more, to pass back as `cursor`; absent when it has no more. */
  more: Partial<Record<InboxPageSection, string>>;
}
