import type { Namespace, Socket } from 'socket.io';
import type {
  AgentClientEvents,
  AgentServerEvents,
  Locale,
  VisitorContext,
  VerifiedUser,
  VisitorClientEvents,
  VisitorServerEvents,
  SessionEndReason,
} from '@support-chat/shared';
import type { LinkNotFollowed } from '../settings/welcome.js';
import type { AgentRecord } from '../store/types.js';

export interface VisitorSocketData {
  /** The client's address as the rate limits count it (connection-guard.ts). */
  address: string;
  visitorId: string;
  token: string;
  locale: Locale;
  /** The open conversation this socket last saw (for typing events). */
  conversationId?: string;
  /** The page context from the last resume: given to a conversation this socket starts. */
  context?: VisitorContext;
  /** The site's signed user this socket proved to be (identity verification), if any. */
  verified?: VerifiedUser;
  /**
   * The socket came with an emailed link it did not follow (the greeting says so): `refused`,
   * expired or altered; `ignored`, this browser chats as another visitor and keeps its own chat.
   */
  linkNotFollowed?: LinkNotFollowed;
}

export interface AgentSocketData {
  agent: Pick<AgentRecord, 'id' | 'name' | 'email' | 'role' | 'capacity'>;
  sessionHash: string;
  /** When the session ends by itself: the socket ends then too (session-guard.ts). */
  sessionExpiresAt: number;
}

/** Ends an agent's console sockets on every process (session-guard.ts). */
export interface SessionEndOrder {
  agentId: string;
  reason: SessionEndReason;
  /**
   * The sockets of session `from` stay, moved to the fresh session `to`: the console of an agent
   * who changed their own password goes on.
   */
  keep?: { from: string; to: string; expiresAt: number };
}

/** What the processes of a site tell each other on the agent namespace (`serverSideEmit`). */
export interface AgentInterServerEvents {
  'sessions:end': (order: SessionEndOrder) => void;
  /** Routing settings or the team changed on another process: look again (availability, presence). */
  'routing:refresh': () => void;
  /** An admin changed an agent's profile: their open consoles here carry it from now on. */
  'agent:changed': (profile: AgentProfileChange) => void;
}

/** What an admin may change of an agent that their sockets carry (`AgentSocketData.agent`). */
export type AgentProfileChange = Pick<AgentRecord, 'id' | 'name' | 'role' | 'capacity'>;

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorSocketData>;
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, AgentInterServerEvents, AgentSocketData>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, AgentInterServerEvents, AgentSocketData>;
