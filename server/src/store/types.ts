import type {
  AgentRole,
  AttachmentType,
  AuditAction,
  AuditEntry,
  CannedReply,
  ChatMessage,
  ConversationRating,
  ConsoleKnowledgeEntry,
  KnowledgeGap,
  KnowledgeProposal,
  KnowledgeProposalExample,
  KnowledgeProposalStatus,
  KnowledgeQuestion,
  LearnedPhrasing,
  KnowledgeUsage,
  LabelCount,
  ConversationStatus,
  ReportSummary,
  HandoffReason,
  Locale,
  RoutingSettings,
  VisitorContext,
} from '@support-chat/shared';
import type { IntegrationStore } from './integration-types.js';

export interface VisitorRecord {
  id: string;
  /** When they first wrote; 0 for the bare record an erasure leaves (`eraseVisitor`), until they write again. */
  createdAt: number;
  /**
   * Tokens issued before this (ms) no longer open this visitor's conversations: an emailed link
   * was followed in another browser, and the chat went with it (`restartVisitorSessions`). 0: never.
   */
  sessionsFrom?: number;
}

export interface ConversationRecord {
  id: string;
  visitorId: string;
  status: ConversationStatus;
  assignedAgentId: string | null;
  locale: Locale;
  context: VisitorContext;
  lastSeq: number;
  createdAt: number;
  updatedAt: number;
  queuedAt: number | null;
  closedAt: number | null;
  /** The visitor's rating once the conversation closed (CSAT). */
  rating?: ConversationRating | null;
  /** Why it went to people (the first hand-off's reason, or the latest offline message). */
  handoffReason?: HandoffReason | null;
  /** Set when the visitor left a message while nobody was available. */
  leftMessage?: { email: string; name?: string } | null;
  /** Highest seq the visitor has seen. */
  visitorReadSeq?: number;
  /** Highest seq the handling agent (the team, while unassigned) has seen. */
  agentReadSeq?: number;
  /** A person was assigned at some point. */
  humanInvolved?: boolean;
  /** When a person last took it from the queue (time-to-claim = assignedAt - queuedAt). */
  assignedAt?: number | null;
  /** Normalised labels, sorted (issue 13); absent on a record written without any. */
  labels?: string[];
}

/** Labels to add and remove (already normalised by the schemas). */
export interface LabelChange {
  add: readonly string[];
  remove: readonly string[];
}

export interface LabelChangeResult {
  conversation: ConversationRecord;
  /** What actually changed (adding a label it has, or removing one it lacks, changes nothing). */
  added: string[];
  removed: string[];
}

/** The visitor's other conversations (issue 13), newest `createdAt` first, then `id` descending. */
export interface ConversationHistoryQuery {
  visitorId: string;
  /** The verified user id: their conversations under other visitor ids (devices) too. */
  userId?: string;
  /** Left out (the conversation being looked at). */
  excludeId?: string;
  /** Keyset paging: only conversations after this one in that order. */
  before?: { createdAt: number; id: string };
  limit: number;
}

/** A message before the store gives it an id and a seq. `senderId` + `clientId` is the dedupe key. */
export type MessageDraft = Omit<ChatMessage, 'id' | 'seq' | 'conversationId' | 'createdAt'> & {
  senderId: string;
};

export interface AppendResult {
  message: ChatMessage;
  /**
   * The conversation right after the append (its new `lastSeq` and `updatedAt`), so the message
   * path needs no second read; on a retried send, the conversation as it is now.
   */
  conversation: ConversationRecord;
  /** false when the conversation already held a message with the same sender and clientId (a retried send). */
  created: boolean;
}

export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
  createdAt: number;
  /** Most open conversations automatic assignment gives this agent. */
  capacity: number;
  /** When an admin deactivated the account; null (or absent) while it is active. */
  deactivatedAt?: number | null;
  /** The console's language the agent picked; null (or absent): the browser's. */
  locale?: Locale | null;
}

export interface SessionRecord {
  /** SHA-256 of the cookie token: a leaked database does not leak live sessions. */
  tokenHash: string;
  agentId: string;
  createdAt: number;
  expiresAt: number;
}

export interface ConversationFilter {
  statuses?: ConversationStatus[];
  assignedAgentId?: string;
  limit?: number;
  /** `updated` (default): newest `updatedAt` first, then `id` descending; `queue`: queue order (oldest `queuedAt` first). */
  order?: 'updated' | 'queue';
  /**
   * Keyset paging for the `updated` order: only conversations after this one in that order
   * (`updatedAt` lower, or equal with a lower `id`). The inbox pages with it (issue 9).
   */
  before?: { updatedAt: number; id: string };
  /** Only conversations carrying this (normalised) label, found through the label index. */
  label?: string;
}

/** Routing before an admin changed anything: automatic, 5 each, a minute's grace, no rules, always open. */
export const DEFAULT_ROUTING_SETTINGS: Readonly<RoutingSettings> = Object.freeze({
  assignment: 'auto',
  defaultCapacity: 5,
  disconnectGraceSeconds: 60,
  handoffKeywords: [],
  handoffAttributes: [],
  businessHours: null,
});

/**
 * Everything the server persists, behind one async interface so the domain never knows whether it
 * is an embedded SQLite file (one process) or PostgreSQL (many processes).
 *
 * Contract every implementation keeps:
 * - `appendMessage` is atomic: it assigns the next `seq` of the conversation, and a draft whose
 *   `senderId` + `clientId` was already stored in that conversation returns the stored message with
 *   `created: false` (the same client id in another conversation is another message).
 * - `openConversation` is atomic per visitor: concurrent calls agree on one open conversation.
 * - `transitionConversation` is a compare-and-set on the status, so two agents claiming at once
 *   cannot both win.
 * - A write that resolved is durable (survives a process kill and a power loss): nothing is acked
 *   before that.
 */
export interface Store extends IntegrationStore {
  createVisitor(visitor: VisitorRecord): Promise<void>;
  getVisitor(id: string): Promise<VisitorRecord | null>;
  /** From `at` on, only tokens issued at or after it are this visitor's (creating the visitor record if needed). */
  restartVisitorSessions(visitorId: string, at: number): Promise<void>;
  /**
   * In one transaction: every conversation of `fromVisitorId` becomes `toVisitorId`'s (whose
   * record is created if needed), and `fromVisitorId`'s record is left bare, as an erasure leaves
   * it (`createdAt` 0, sessions from `at` and above any before: its tokens no longer open it, what
   * they opened is someone else's now). Returns the ids of the conversations
   * moved, oldest first; none when it had none (a second call, another process first).
   */
  adoptVisitor(fromVisitorId: string, toVisitorId: string, at: number): Promise<string[]>;

  createConversation(conversation: ConversationRecord): Promise<void>;
  /**
   * Atomically: the visitor's latest conversation if it is open, else `candidate` stored as new
   * (creating the visitor record too if needed). Two first messages racing get one conversation.
   */
  openConversation(candidate: ConversationRecord): Promise<{ conversation: ConversationRecord; created: boolean }>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  /** The visitor's most recently created conversation. */
  findLatestConversation(visitorId: string): Promise<ConversationRecord | null>;
  /** Newest `updatedAt` first. */
  listConversations(filter: ConversationFilter): Promise<ConversationRecord[]>;
  /**
   * Applies `patch` only when the conversation's status is one of `fromStatuses` (and, with
   * `expect`, it is assigned to that agent, or to nobody for null). Returns the updated record, or
   * null when it did not match (someone else moved it).
   */
  transitionConversation(
    id: string,
    fromStatuses: readonly ConversationStatus[],
    patch: Partial<Omit<ConversationRecord, 'id' | 'visitorId' | 'createdAt' | 'lastSeq'>>,
    expect?: { assignedAgentId: string | null },
  ): Promise<ConversationRecord | null>;
  /** Updates the visitor context (pages change as the visitor browses). */
  updateConversationContext(id: string, context: VisitorContext): Promise<void>;
  /** 1-based position among queued conversations (oldest `queuedAt` first), or null if not queued. */
  queuePosition(id: string): Promise<number | null>;
  /**
   * Raises the visitor's or the agent's read seq to `seq` (never lowers it, never past `lastSeq`).
   * Returns the record when it changed, else null.
   */
  markConversationRead(id: string, reader: 'visitor' | 'agent', seq: number): Promise<ConversationRecord | null>;

  /**
   * Atomically applies `change` to the conversation's labels (`label-change.ts`): concurrent
   * changes all land. Leaves `updatedAt` alone (a label is not activity). Null when there is no
   * such conversation; `invalid_payload` when it would carry more than the bound.
   */
  changeConversationLabels(id: string, change: LabelChange): Promise<LabelChangeResult | null>;
  /** The labels in use and how many conversations carry each, most used first. */
  labelCounts(limit: number): Promise<LabelCount[]>;
  /** See `ConversationHistoryQuery`; served by the visitor and verified-user indexes. */
  listConversationHistory(query: ConversationHistoryQuery): Promise<ConversationRecord[]>;
  /** The visitor's first chat message of the conversation (its first question), or null. */
  firstVisitorMessage(conversationId: string): Promise<ChatMessage | null>;

  /** The admin's routing settings, with defaults for anything never saved. */
  getRoutingSettings(): Promise<RoutingSettings>;
  saveRoutingSettings(settings: RoutingSettings): Promise<void>;

  appendMessage(conversationId: string, draft: MessageDraft, now: number): Promise<AppendResult>;
  /**
   * A visitor's message in one step (issue 9: every visitor message used to read the open
   * conversation, then append): `appendMessage` into the visitor's latest conversation if it is
   * open (dedupe and seq as there), or null, writing nothing, when they have none open (the
   * caller then admits and opens one).
   */
  appendToOpenConversation(visitorId: string, draft: MessageDraft, now: number): Promise<AppendResult | null>;
  /**
   * Appends `draft` to the conversation while it is assigned to `agentId` (an agent's reply: the
   * check and the append in one step, no read before it); null when it is not, or not there.
   */
  appendIfAssignedTo(conversationId: string, agentId: string, draft: MessageDraft, now: number): Promise<AppendResult | null>;
  /**
   * Appends `draft` while the conversation's status is `status` (the AI's answer, only while the
   * AI has the conversation: the check and the append in one step, so a person who joined
   * meanwhile is never answered over); null when it is not, or not there. Dedupe as `appendMessage`.
   */
  appendWhileStatus(conversationId: string, status: ConversationStatus, draft: MessageDraft, now: number): Promise<AppendResult | null>;
  /** Messages with `seq > afterSeq`, oldest first. Notes only when `includeNotes`. */
  listMessages(
    conversationId: string,
    options: { afterSeq?: number; limit?: number; includeNotes?: boolean },
  ): Promise<ChatMessage[]>;
  /**
   * The newest message of the conversation that `isChatMessage` (the visitor's, an agent's or the
   * AI's words; no system line, no note): the inbox row's preview. Null when there is none.
   */
  lastChatMessage(conversationId: string): Promise<ChatMessage | null>;
  /** The message `senderId` sent with `clientId` in the conversation (the dedupe's key), if stored: a resend's answer. */
  findSentMessage(conversationId: string, senderId: string, clientId: string): Promise<ChatMessage | null>;
  /**
   * The visitor's thumbs up / down on an AI answer in one of their conversations: sets the stored
   * message's `feedback` and returns it; null when no AI message with that id belongs to them.
   */
  setMessageFeedback(messageId: string, visitorId: string, feedback: NonNullable<ChatMessage['feedback']>): Promise<ChatMessage | null>;

  createAgent(agent: AgentRecord): Promise<void>;
  getAgent(id: string): Promise<AgentRecord | null>;
  findAgentByEmail(email: string): Promise<AgentRecord | null>;
  countAgents(): Promise<number>;

  /**
   * Stores a login session. With `expect`, only while the agent is active and still has that
   * password hash, checked atomically with the insert: a login that verified a password an admin
   * is changing meanwhile (or an account being deactivated) gets no session. Returns whether it
   * was stored.
   */
  createSession(session: SessionRecord, expect?: { passwordHash: string }): Promise<boolean>;
  getSession(tokenHash: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;

  /** Small key → value settings (the generated server secret, schema version…). */
  getSetting(key: string): Promise<string | null>;
  /** Stores `value` unless the key exists; returns what is stored (so racing processes agree). */
  setSettingIfAbsent(key: string, value: string): Promise<string>;
  /** Stores `value` under `key`, replacing what was there (an admin's saved setting, e.g. the welcome). */
  saveSetting(key: string, value: string): Promise<void>;

  // ---- The team and the console's workspace (admin API, search, reports) ----

  listAgents(): Promise<AgentRecord[]>;
  /**
   * Returns the updated agent, or null when there is none with that id. `endSessions`: every
   * session of the agent is deleted in the same transaction (a new password ends them all).
   */
  updateAgent(
    id: string,
    patch: Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity' | 'passwordHash' | 'locale'>>,
    options?: { endSessions?: boolean },
  ): Promise<AgentRecord | null>;
  /**
   * Deactivates the agent as of `at` and deletes every session of theirs, in one transaction; an
   * agent already deactivated keeps their first `at`. Throws `ChatError('invalid_state')` when the
   * agent is the last active admin (checked atomically, so two admins deactivating each other at
   * once cannot both succeed). Null when there is no such agent.
   */
  deactivateAgent(id: string, at: number): Promise<AgentRecord | null>;
  /** The agent may sign in again; null when there is no such agent. */
  reactivateAgent(id: string): Promise<AgentRecord | null>;

  listCannedReplies(): Promise<CannedReply[]>;
  /** Inserts or replaces by id; throws `ChatError('conflict')` when another reply has the shortcut. */
  saveCannedReply(reply: CannedReply): Promise<void>;
  /** True when it existed. */
  deleteCannedReply(id: string): Promise<boolean>;

  /**
   * Conversations whose visitor id, visitor context (page, attributes) or any message text (notes
   * included) contains `text`, case-insensitively (any length, Chinese included; `%` and `_` are
   * literal), newest `updatedAt` first.
   */
  searchConversations(query: ConversationSearch): Promise<ConversationRecord[]>;
  /** Per-conversation facts for reports, for conversations created in [from, to). */
  reportFacts(from: number, to: number): Promise<ConversationFacts[]>;
  /** Thumbs up / down on AI answers created in [from, to). */
  answerFeedbackCounts(from: number, to: number): Promise<{ helpful: number; notHelpful: number }>;
  /** Visitor questions the AI could not answer in [from, to), most asked first. */
  knowledgeGaps(from: number, to: number, limit: number): Promise<KnowledgeGap[]>;
  /**
   * The admin report for `range`, as of `now`. Must equal `reportFromFacts(this, range, now)`
   * (`reports/report.ts`, which defines the figures from the three reads above); a store may simply
   * return that. It exists so a store can compute the report where it does not stall chats:
   * `SqliteStore` runs it on a reader thread with its own connection (issue 9).
   */
  report(range: ReportRange, now: number): Promise<ReportSummary>;

  // ---- The audit log and visitors' data (issue 11) ----

  /** Appends one audit entry; durable once it resolves, like every write. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Entries newest first (`at` descending, then `id` descending), after `before` in that order. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Every conversation of one visitor, oldest first. */
  listVisitorConversations(visitorId: string): Promise<ConversationRecord[]>;
  /**
   * Erases one visitor (GDPR): their conversations with every message (notes, ratings, feedback,
   * left messages and context go with them) and the visitor record, in one transaction that also
   * appends `audit` when given and anything was erased, so an erasure is never without its record. Whatever the store
   * derives from them (the SQLite search index, report columns) forgets them too: nothing erased
   * can be found by `searchConversations` afterwards. Returns what it removed (zeros: nothing known).
   * When anything was erased, a bare record stays in the visitor's place (`createdAt` 0, nothing
   * else of theirs) whose `sessionsFrom` is at least `sessionsFrom` and above any it had: no token
   * issued before the erasure opens the id again. A token that stopped opening it when its chat
   * moved to another browser would otherwise come back to life with the record that said so (a
   * review), and read what is written next.
   */
  eraseVisitor(visitorId: string, sessionsFrom: number, audit?: AuditEntry): Promise<VisitorErased>;

  // ---- Attachments (issue 13) ----

  /**
   * Records a file already durable in the attachment storage; with `atMost`, only while its
   * conversation holds fewer files than that, atomically (false: it holds that many already).
   */
  createAttachment(attachment: AttachmentRecord, options?: { atMost?: number }): Promise<boolean>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** The conversation's files, oldest first. */
  listAttachments(conversationId: string): Promise<AttachmentRecord[]>;
  countAttachments(conversationId: string): Promise<number>;

  // ---- The email outbox (issue 13) ----

  /**
   * Queues an email unless one with the same id exists (ids are dedupe keys, such as
   * `offline:<messageId>`): true when it was queued now. Durable once it resolves.
   */
  enqueueEmail(email: EmailRecord): Promise<boolean>;
  getEmail(id: string): Promise<EmailRecord | null>;
  /** Pending emails whose `nextAttemptAt` has come, oldest due first. */
  dueEmails(now: number, limit: number): Promise<EmailRecord[]>;
  /**
   * Applies `patch` only while the email is pending with `attempts` as given (a compare-and-set:
   * of two senders racing, one records the outcome). Returns the updated record or null.
   */
  updateEmail(id: string, expectAttempts: number, patch: EmailPatch): Promise<EmailRecord | null>;
  /** The highest `throughSeq` of the conversation's emails of these kinds (0: none). */
  emailedThroughSeq(conversationId: string, kinds: readonly EmailKind[]): Promise<number>;

  // ---- Knowledge written in the console (issue 14) ----

  /** Every console entry, oldest first. */
  listKnowledgeEntries(): Promise<ConsoleKnowledgeEntry[]>;
  /**
   * Inserts (revision 1, `createdAt` = `updatedAt`) or updates by id (revision + 1) and returns
   * the stored entry. With `expectRevision`, atomically: `not_found` when the entry is gone,
   * `conflict` when someone saved it since that revision.
   */
  saveKnowledgeEntry(entry: KnowledgeEntryWrite, options?: { expectRevision?: number }): Promise<ConsoleKnowledgeEntry>;
  /** True when it existed. */
  deleteKnowledgeEntry(id: string): Promise<boolean>;
  /**
   * A number every save and delete of a console entry raises, in the same transaction: each
   * process polls it (one row) to know when to re-index.
   */
  knowledgeVersion(): Promise<number>;
  /** Per knowledge entry id: AI answers created in [from, to) that cited it, and their thumbs. */
  knowledgeUsage(from: number, to: number): Promise<KnowledgeUsage[]>;
  /**
   * AI answers from knowledge created in [from, to): in all and per cited entry, with how many the
   * visitor accepted (no thumbs down, no hand-off to a person later in the conversation) and the
   * thumbs down (issue 14, the knowledge report).
   */
  knowledgeAnswerOutcomes(from: number, to: number): Promise<KnowledgeAnswerOutcomes>;
  /** Unanswered AI replies (knowledge gaps) in each [edges[i], edges[i + 1]): `edges.length - 1` counts. */
  knowledgeGapCounts(edges: readonly number[]): Promise<number[]>;
  /** The visitor questions answered from `entryId` since `from`, newest first. */
  knowledgeQuestions(entryId: string, from: number, limit: number): Promise<KnowledgeQuestion[]>;

  // ---- Learning from conversations (issue 14) ----

  /** Proposals with this status, most asked first (count descending, then newest `updatedAt`). */
  listKnowledgeProposals(status: KnowledgeProposalStatus, limit: number): Promise<KnowledgeProposal[]>;
  getKnowledgeProposal(id: string): Promise<KnowledgeProposal | null>;
  createKnowledgeProposal(proposal: KnowledgeProposal): Promise<void>;
  /**
   * A near-duplicate asked again: atomically, while the proposal is open, its count + 1 and the
   * example appended (only the newest `keep` kept), `updatedAt` = `example.at`. Null when it is
   * no longer open (decided meanwhile) or gone.
   */
  addKnowledgeProposalExample(id: string, example: KnowledgeProposalExample, keep: number): Promise<KnowledgeProposal | null>;
  /**
   * Compare-and-set on the status: from `from` to `to` (with the deciding admin and time, or
   * cleared when going back to `open`). Null when the status was not `from`, so two admins
   * deciding at once cannot both win.
   */
  decideKnowledgeProposal(
    id: string,
    change: { from: KnowledgeProposalStatus; to: KnowledgeProposalStatus; at: number; by: string },
  ): Promise<KnowledgeProposal | null>;
  /** Every learned phrasing, oldest first. */
  listLearnedPhrasings(): Promise<LearnedPhrasing[]>;
  /**
   * Stores the phrasings not yet stored for their entry (same entry id and text) and, when any
   * was new, raises `knowledgeVersion` in the same transaction. Returns how many were new.
   */
  addLearnedPhrasings(phrasings: readonly LearnedPhrasing[]): Promise<number>;

  /**
   * Whether the store can write now (`/readyz`): a tiny durable write, so a full disk or a lost
   * database shows here before a visitor's message fails.
   */
  checkWritable(): Promise<void>;

  close(): Promise<void>;
}

/** What `eraseVisitor` removed; `attachments`: the storage keys of the files, to delete once the rows are gone. */
export interface VisitorErased {
  conversations: number;
  messages: number;
  visitor: boolean;
  attachments: string[];
}

/** One stored file (issue 13): its metadata here, its bytes in the attachment storage under `storageKey`. */
export interface AttachmentRecord {
  id: string;
  conversationId: string;
  storageKey: string;
  name: string;
  contentType: AttachmentType;
  size: number;
  /** The visitor's id or the agent's. */
  uploadedBy: string;
  createdAt: number;
}

/**
 * What an email is about; its text is written when it is sent, from the conversation as it is
 * then (an erased conversation sends nothing).
 * - `offline_message`: the team hears of a message left while nobody could chat.
 * - `agent_reply`: the visitor gets the team's replies they have not read (`fromSeq` < seq ≤ `throughSeq`).
 * - `transcript`: the visitor asked for the conversation by email.
 */
export type EmailKind = 'offline_message' | 'agent_reply' | 'transcript';

export interface EmailRecord {
  /** The dedupe key: the same email is queued once, whoever asks and however often. */
  id: string;
  kind: EmailKind;
  conversationId: string;
  /** The address the visitor gave for this email (a transcript); else it is found when sending. */
  to: string | null;
  fromSeq: number;
  throughSeq: number;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: number;
  createdAt: number;
  sentAt: number | null;
  lastError: string | null;
}

export type EmailPatch = Partial<Pick<EmailRecord, 'status' | 'attempts' | 'nextAttemptAt' | 'sentAt' | 'lastError'>>;

/** A console entry as saved: the store keeps the revision and the creation time. */
export type KnowledgeEntryWrite = Omit<ConsoleKnowledgeEntry, 'revision' | 'createdAt'>;

export interface AuditQuery {
  actorId?: string;
  action?: AuditAction;
  /** Keyset paging: only entries older than this one (`at` lower, or equal with a lower `id`). */
  before?: { at: number; id: string };
  limit: number;
}

export interface ConversationSearch {
  text?: string;
  status?: ConversationStatus;
  /** Inclusive bounds on `createdAt`. */
  from?: number;
  to?: number;
  /** Only conversations carrying this (normalised) label. */
  label?: string;
  limit: number;
}

/** Days in the team's time zone, both ends included. */
export interface KnowledgeAnswerOutcomes {
  answers: number;
  accepted: number;
  perEntry: { entryId: string; answers: number; accepted: number; notHelpful: number }[];
}

export interface ReportRange {
  /** First day, `YYYY-MM-DD`, inclusive. */
  fromDay: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  toDay: string;
  timeZone: string;
}

/** What reports need to know about one conversation, derived from its messages. */
export interface ConversationFacts {
  conversation: ConversationRecord;
  /** When it was first put in the human queue (null: never handed off). */
  handedOffAt: number | null;
  /** When a person first replied (null: never). */
  firstAgentReplyAt: number | null;
}
