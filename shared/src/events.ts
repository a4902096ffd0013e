/**
 * The Socket.IO event maps of both namespaces. Commands a client sends are imperative
 * (`message:send`); facts the server announces are past tense (`message:created`). Every
 * command's last argument is an ack receiving an `AckResult`.
 *
 * Server: `new Server<VisitorClientEvents, VisitorServerEvents>()`; client:
 * `Socket<VisitorServerEvents, VisitorClientEvents>` (the same maps, reversed).
 */
import type { Ack } from './errors.js';
import type { ConversationHistoryItem, LabelCount } from './labels.js';
import type {
  AgentConversation,
  AgentConversationPatch,
  AgentPresence,
  AttachmentType,
  Availability,
  CannedReply,
  ChatMessage,
  InboxListing,
  MessageAuthor,
  Source,
  VisitorConversation,
  WelcomeSettings,
} from './model.js';
import type {
  AgentConversationRefPayload,
  AgentMovePayload,
  AgentHistoryPayload,
  AgentInboxListPayload,
  AgentInboxFollowPayload,
  AgentInboxPayload,
  AgentSendPayload,
  AgentTypingPayload,
  AgentNotePayload,
  AgentPresencePayload,
  AgentReadPayload,
  AgentSearchPayload,
  AgentTransferPayload,
  AgentLabelPayload,
  AgentVisitorHistoryPayload,
  VisitorHandoffPayload,
  VisitorLeaveMessagePayload,
  VisitorTranscriptPayload,
  VisitorRateAnswerPayload,
  VisitorRateConversationPayload,
  VisitorReadPayload,
  VisitorResumePayload,
  VisitorSendPayload,
  VisitorTypingPayload,
} from './schemas.js';

/** Sent by the visitor socket in `io(url, { auth })`. */
export interface VisitorHandshakeAuth {
  /** The signed visitor token from an earlier session; absent on a first visit. */
  token?: string;
  /**
   * The site's signed user (a JWT, HS256 with IDENTITY_SECRET): the visitor is then that user on
   * every device, and the token's claims are shown to agents as verified.
   */
  user?: string;
  /**
   * The resume token of an emailed link (`#sc-resume=…`, issue 13): the visitor is then the one the
   * link was sent to, on this device too. Short-lived; ignored when invalid or expired, and when
   * `user` is given.
   */
  resume?: string;
}

/** Reply to `conversation:resume`: who the visitor is and what they missed. */
export interface VisitorSession {
  /** Store it (localStorage) and send it in the handshake next time. */
  token: string;
  visitorId: string;
  /** The visitor's open conversation, or the last closed one; null before the first message. */
  conversation: VisitorConversation | null;
  /** Messages with `seq > afterSeq`, oldest first (notes excluded). */
  messages: ChatMessage[];
  /** Whether a person can be reached now (else offer to leave a message). */
  availability: Availability;
  /** The greeting and starter questions to show on the first open, each language complete. */
  welcome: WelcomeSettings;
  /**
   * What the visitor may attach (issue 13), so the widget offers only those types and says "too
   * large" before uploading; null when the server takes no files (ATTACHMENTS_PER_CONVERSATION=0).
   * The server checks every upload regardless.
   */
  attachments: AttachmentPolicy | null;
  /**
   * Whether the server sends email (SMTP set): the rating form offers the transcript by email only
   * then. Optional, so an older server's answer reads as "no".
   */
  emails?: boolean;
}

export interface AttachmentPolicy {
  /** ATTACHMENT_MAX_BYTES. */
  maxBytes: number;
  /** ATTACHMENT_TYPES: what a file's bytes must turn out to be. */
  types: AttachmentType[];
}

export interface AiTokenEvent {
  conversationId: string;
  /** Identifies one streamed answer; the final `message:created` carries the same `streamId`. */
  streamId: string;
  delta: string;
  /**
   * How many characters of this stream came before `delta`: a client that joins a stream
   * midway (a reload, a reconnect, a second tab) waits for the whole answer instead of showing
   * it from the middle of a word.
   */
  at: number;
}

export interface AiStreamAbortedEvent {
  conversationId: string;
  streamId: string;
}

export interface TypingChangedEvent {
  conversationId: string;
  author: MessageAuthor;
  name?: string;
  typing: boolean;
}

export interface VisitorClientEvents {
  'conversation:resume': (payload: VisitorResumePayload, ack: Ack<VisitorSession>) => void;
  'message:send': (
    payload: VisitorSendPayload,
    ack: Ack<{ message: ChatMessage; conversation: VisitorConversation }>,
  ) => void;
  'handoff:request': (
    payload: VisitorHandoffPayload,
    ack: Ack<{ conversation: VisitorConversation }>,
  ) => void;
  'typing:set': (payload: VisitorTypingPayload, ack?: Ack<null>) => void;
  /** The visitor has seen everything up to `seq` of their current conversation. */
  'conversation:read': (payload: VisitorReadPayload, ack?: Ack<null>) => void;
  /** Thumbs up / down on an AI answer. */
  'message:rate': (payload: VisitorRateAnswerPayload, ack: Ack<{ message: ChatMessage }>) => void;
  /** 1–5 (and a comment) after the conversation was closed; with `email`, the transcript goes there too (issue 13). */
  'conversation:rate': (
    payload: VisitorRateConversationPayload,
    ack: Ack<{ conversation: VisitorConversation }>,
  ) => void;
  /** Nobody available: leave a message and an email address; it becomes a queued conversation. */
  'offline:leave': (
    payload: VisitorLeaveMessagePayload,
    ack: Ack<{ conversation: VisitorConversation; message: ChatMessage }>,
  ) => void;
  /**
   * A closed conversation: email its transcript to `email`, or to the address the visitor gave
   * before (a left message, their verified email). Once per conversation; `unavailable` when the
   * server sends no email.
   */
  'conversation:transcript': (payload: VisitorTranscriptPayload, ack: Ack<null>) => void;
}

export interface VisitorServerEvents {
  'message:created': (message: ChatMessage) => void;
  'conversation:updated': (conversation: VisitorConversation) => void;
  'ai:token': (event: AiTokenEvent) => void;
  'ai:stream-aborted': (event: AiStreamAbortedEvent) => void;
  'typing:changed': (event: TypingChangedEvent) => void;
  'availability:changed': (availability: Availability) => void;
}

/**
 * Why the server ended a console's session: an admin changed the agent's password or deactivated
 * them, the session expired, or it was ended elsewhere (signed out, deleted).
 */
export const SESSION_END_REASONS = ['password_changed', 'deactivated', 'expired', 'ended'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export interface SessionEndedEvent {
  reason: SessionEndReason;
  /** For people: completes "You were signed out: …". */
  message: string;
}

export interface AgentClientEvents {
  /** Every queued conversation and pages of the rest (`InboxListing`); `{ section, cursor }` for more. */
  'inbox:list': (payload: AgentInboxListPayload, ack: Ack<InboxListing>) => void;
  /**
   * `{ team: true }` while the console shows conversations that are neither the agent's nor
   * queued (Team, AI-handled, Offline, Closed, search results): only then does this socket get
   * their rows in `inbox:patched`. Per socket, and forgotten with it: send it again after a
   * reconnect, and list what is shown again when starting to follow (its rows may be stale).
   */
  'inbox:follow': (payload: AgentInboxFollowPayload, ack: Ack<null>) => void;
  /** Opens a conversation: returns its transcript and streams its events until `unwatch`. */
  'conversation:watch': (
    payload: AgentHistoryPayload,
    ack: Ack<{ conversation: AgentConversation; messages: ChatMessage[] }>,
  ) => void;
  'conversation:unwatch': (payload: AgentConversationRefPayload, ack: Ack<null>) => void;
  'conversation:claim': (
    payload: AgentConversationRefPayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  'conversation:close': (
    payload: AgentMovePayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  'message:send': (payload: AgentSendPayload, ack: Ack<{ message: ChatMessage }>) => void;
  'typing:set': (payload: AgentTypingPayload, ack?: Ack<null>) => void;
  /** Search conversations by visitor (id, name, email attributes), message text and date. */
  'inbox:search': (payload: AgentSearchPayload, ack: Ack<{ conversations: AgentConversation[] }>) => void;
  /** An internal note the visitor never sees. */
  'note:add': (payload: AgentNotePayload, ack: Ack<{ message: ChatMessage }>) => void;
  'conversation:transfer': (
    payload: AgentTransferPayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  /** Give the conversation back to the AI. */
  'conversation:handback': (
    payload: AgentMovePayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  /** Reopen a closed conversation (assigned to the agent who reopens it). */
  'conversation:reopen': (
    payload: AgentConversationRefPayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  'conversation:read': (payload: AgentReadPayload, ack?: Ack<null>) => void;
  /** An AI-drafted reply from the knowledge base, for the agent to edit before sending. */
  'draft:suggest': (
    payload: AgentConversationRefPayload,
    ack: Ack<{ text: string; sources: Source[] }>,
  ) => void;
  'presence:set': (payload: AgentPresencePayload, ack: Ack<{ presence: AgentPresence }>) => void;
  'team:list': (payload: AgentInboxPayload, ack: Ack<{ agents: AgentPresence[] }>) => void;
  'canned:list': (payload: AgentInboxPayload, ack: Ack<{ replies: CannedReply[] }>) => void;
  /**
   * Adds and removes labels (issue 13); answers the conversation as it is now. Every agent's
   * inbox hears the change as `conversation:updated`. `invalid_payload` past the labels' bounds.
   */
  'conversation:label': (payload: AgentLabelPayload, ack: Ack<{ conversation: AgentConversation }>) => void;
  /** The labels in use, most used first: the console's suggestions and inbox filter. */
  'labels:list': (payload: AgentInboxPayload, ack: Ack<{ labels: LabelCount[] }>) => void;
  /**
   * The open conversation's visitor's other conversations (and, when the visitor is a verified
   * user, that user's on any device), newest first; `next` pages on.
   */
  'conversation:history': (
    payload: AgentVisitorHistoryPayload,
    ack: Ack<{ conversations: ConversationHistoryItem[]; next?: string }>,
  ) => void;
  /** One conversation's transcript to read (no live events, unlike `conversation:watch`). */
  'conversation:transcript': (
    payload: AgentConversationRefPayload,
    ack: Ack<{ conversation: AgentConversation; messages: ChatMessage[] }>,
  ) => void;
}

export interface AgentServerEvents {
  /** A conversation was created or changed status, assignee or details (sent to every agent). */
  'conversation:updated': (conversation: AgentConversation) => void;
  /**
   * New messages and read receipts, coalesced: at most one frame per short tick, each conversation
   * once with its latest state. Queued conversations reach every agent and assigned ones their
   * agent within a tick, and read receipts reach the sockets watching the conversation; everyone
   * else's rows (the team's, the AI's, closed) are batched per second, and only for sockets that
   * follow the team (`inbox:follow`), so the frames an agent gets do not grow with every message
   * of every colleague.
   */
  'inbox:patched': (patches: AgentConversationPatch[]) => void;
  /** New messages (notes included) in conversations this socket watches. */
  'message:created': (message: ChatMessage) => void;
  /** A stored message changed in a watched conversation (a visitor rated an AI answer). */
  'message:updated': (message: ChatMessage) => void;
  'ai:token': (event: AiTokenEvent) => void;
  'ai:stream-aborted': (event: AiStreamAbortedEvent) => void;
  'typing:changed': (event: TypingChangedEvent) => void;
  /** A teammate's presence or load changed. */
  'presence:changed': (presence: AgentPresence) => void;
  /** Canned replies were edited by an admin: fetch them again. */
  'canned:changed': () => void;
  /** This socket's session is over; the server disconnects it right after (no reconnect will be let in). */
  'session:ended': (event: SessionEndedEvent) => void;
  /** An admin erased a visitor's data: drop these conversations (GDPR erasure). */
  'conversations:erased': (event: { visitorId: string; conversationIds: string[] }) => void;
}

/** HTTP API (same origin as the console). */
export const HTTP_ROUTES = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  /** PUT `{ locale }` (`agentPreferencesSchema`): the signed-in agent's own console language; answers `{ agent }`. */
  mePreferences: '/api/auth/me/preferences',
  health: '/healthz',
  /**
   * Admin: GET list, POST create; PATCH `/api/admin/agents/:id` (a new password ends the agent's
   * sessions); POST `.../:id/deactivate` and `.../:id/reactivate`.
   */
  adminAgents: '/api/admin/agents',
  /** Admin: GET list, POST create; PUT / DELETE `/api/admin/canned-replies/:id`. */
  adminCannedReplies: '/api/admin/canned-replies',
  /** Admin: GET / PUT `RoutingSettings`. */
  adminRouting: '/api/admin/settings/routing',
  /** Admin: GET / PUT `WelcomeSettings` (the widget's greeting and starter questions). */
  adminWelcome: '/api/admin/settings/welcome',
  /** Admin: GET `ReportSummary` for `?from=YYYY-MM-DD&to=YYYY-MM-DD&tz=Area/City`. */
  adminReports: '/api/admin/reports',
  /** Admin: GET `KnowledgeReport` (how the AI used each knowledge entry), same query as `adminReports`. */
  adminKnowledgeReport: '/api/admin/reports/knowledge',
  /** Admin: GET the knowledge gaps; POST `.../reindex` reloads the knowledge base. */
  adminKnowledge: '/api/admin/knowledge',
  /** Admin: GET `AuditPage` for `?cursor=…&actor=<agent id>&action=<AuditAction>&limit=…`. */
  adminAudit: '/api/admin/audit',
  /** Admin: GET `/api/admin/visitors/:visitorId/export` (`VisitorExport`); DELETE `/api/admin/visitors/:visitorId` erases. */
  adminVisitors: '/api/admin/visitors',
  /**
   * Admin (issue 13): GET list, POST create (answers the secret once); PATCH / DELETE
   * `/api/admin/webhooks/:id`; POST `.../:id/test` queues a `ping`; GET `.../:id/deliveries`.
   */
  adminWebhooks: '/api/admin/webhooks',
  /** Admin: POST `/api/admin/webhook-deliveries/:id/retry` sends a delivery now. */
  adminWebhookDeliveries: '/api/admin/webhook-deliveries',
  /** Admin: GET list, POST create (answers the token once); DELETE `/api/admin/api-tokens/:id` revokes. */
  adminApiTokens: '/api/admin/api-tokens',
  /** The REST API for integrations (Bearer tokens); its OpenAPI document is `/api/v1/openapi.json`. */
  apiV1: '/api/v1',
  /**
   * Attachments (issue 13), agents with their session: POST `?conversationId=…` with the file as
   * the raw body (its name in `X-File-Name`, URI-encoded; `X-Client-Id` makes a retry harmless)
   * answers `AttachmentUpload`; GET `/api/attachments/:id` sends the file.
   */
  attachments: '/api/attachments',
  /**
   * The same for the visitor, with `Authorization: Bearer <visitor token>` (the widget is on
   * another site, so no cookie): POST sends to their open conversation (or opens one), GET
   * `/api/visitor/attachments/:id` serves only files of their own conversations. An `<img>` or a
   * download link cannot send the token: POST `/api/visitor/attachments/links` with `{ ids }`
   * answers `AttachmentLinks`, URLs whose `?link=` opens one file for this visitor, briefly.
   */
  visitorAttachments: '/api/visitor/attachments',
} as const;

/** What an attachment upload answers: the message that carries the file, stored after the file. */
export interface AttachmentUpload {
  message: ChatMessage;
}

/** Signed links to the visitor's files, in the order asked for (paths on the chat server). */
export interface AttachmentLinks {
  links: { id: string; url: string; expiresAt: number }[];
}

/** The agent session cookie (httpOnly); the agent socket is authenticated by it. */
export const SESSION_COOKIE = 'sc_session';
