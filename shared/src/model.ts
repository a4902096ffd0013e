/**
 * What the server tells clients about conversations and messages. Plain data, JSON-safe;
 * timestamps are milliseconds since the epoch.
 */

/** `bot`: the AI is answering; `queued`: waiting for a person; `assigned`: a person has it. */
export const CONVERSATION_STATUSES = ['bot', 'queued', 'assigned', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const MESSAGE_AUTHORS = ['visitor', 'ai', 'agent', 'system'] as const;
export type MessageAuthor = (typeof MESSAGE_AUTHORS)[number];

/**
 * `text`: a chat line everyone in the conversation sees.
 * `note`: internal, agents only (hand-off summaries, agent notes). Never sent to a visitor.
 * `event`: a system line describing a change ("queued", "Anna joined", "closed").
 */
export type MessageKind = 'text' | 'note' | 'event';

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
}

export interface Source {
  /** Knowledge entry id. */
  id: string;
  title: string;
  url?: string;
}

/** System events a visitor's widget renders as status lines, localised on the client. */
export type SystemEvent =
  | { type: 'queued' }
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
  /** AI answers only; agents see it, visitors do not. */
  provenance?: AnswerProvenance;
  /** The stream this answer finished (`ai:token` events carried the same id). */
  streamId?: string;
}

/** What the site and browser told us about the visitor (shown to agents). */
export interface VisitorContext {
  pageUrl?: string;
  pageTitle?: string;
  referrer?: string;
  language?: string;
  timeZone?: string;
  userAgent?: string;
  attributes?: Record<string, string>;
}

/** The visitor's view of their conversation. */
export interface VisitorConversation {
  id: string;
  status: ConversationStatus;
  /** 1-based place among queued conversations, while queued. */
  queuePosition?: number;
  agentName?: string;
  lastSeq: number;
  createdAt: number;
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
  lastMessage?: { author: MessageAuthor; text: string; createdAt: number };
  context: VisitorContext;
  createdAt: number;
  updatedAt: number;
  queuedAt?: number;
  closedAt?: number;
}

export type AgentRole = 'admin' | 'agent';

export interface AgentProfile {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
}
