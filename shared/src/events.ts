/**
 * The Socket.IO event maps of both namespaces. Commands a client sends are imperative
 * (`message:send`); facts the server announces are past tense (`message:created`). Every
 * command's last argument is an ack receiving an `AckResult`.
 *
 * Server: `new Server<VisitorClientEvents, VisitorServerEvents>()`; client:
 * `Socket<VisitorServerEvents, VisitorClientEvents>` (the same maps, reversed).
 */
import type { Ack } from './errors.js';
import type {
  AgentConversation,
  ChatMessage,
  MessageAuthor,
  VisitorConversation,
} from './model.js';
import type {
  AgentConversationRefPayload,
  AgentHistoryPayload,
  AgentInboxPayload,
  AgentSendPayload,
  AgentTypingPayload,
  VisitorHandoffPayload,
  VisitorResumePayload,
  VisitorSendPayload,
  VisitorTypingPayload,
} from './schemas.js';

/** Sent by the visitor socket in `io(url, { auth })`. */
export interface VisitorHandshakeAuth {
  /** The signed visitor token from an earlier session; absent on a first visit. */
  token?: string;
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
}

export interface AiTokenEvent {
  conversationId: string;
  /** Identifies one streamed answer; the final `message:created` carries the same `streamId`. */
  streamId: string;
  delta: string;
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
}

export interface VisitorServerEvents {
  'message:created': (message: ChatMessage) => void;
  'conversation:updated': (conversation: VisitorConversation) => void;
  'ai:token': (event: AiTokenEvent) => void;
  'ai:stream-aborted': (event: AiStreamAbortedEvent) => void;
  'typing:changed': (event: TypingChangedEvent) => void;
}

export interface AgentClientEvents {
  'inbox:list': (
    payload: AgentInboxPayload,
    ack: Ack<{ conversations: AgentConversation[] }>,
  ) => void;
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
    payload: AgentConversationRefPayload,
    ack: Ack<{ conversation: AgentConversation }>,
  ) => void;
  'message:send': (payload: AgentSendPayload, ack: Ack<{ message: ChatMessage }>) => void;
  'typing:set': (payload: AgentTypingPayload, ack?: Ack<null>) => void;
}

export interface AgentServerEvents {
  /** Any change to any conversation the inbox lists (sent to every agent). */
  'conversation:updated': (conversation: AgentConversation) => void;
  /** New messages (notes included) in conversations this socket watches. */
  'message:created': (message: ChatMessage) => void;
  'ai:token': (event: AiTokenEvent) => void;
  'ai:stream-aborted': (event: AiStreamAbortedEvent) => void;
  'typing:changed': (event: TypingChangedEvent) => void;
}

/** HTTP API (same origin as the console). */
export const HTTP_ROUTES = {
  login: '/api/auth/login',
  logout: '/api/auth/logout',
  me: '/api/auth/me',
  health: '/healthz',
} as const;

/** The agent session cookie (httpOnly); the agent socket is authenticated by it. */
export const SESSION_COOKIE = 'sc_session';
