import type { Namespace, Socket } from 'socket.io';
import type {
  AgentClientEvents,
  AgentServerEvents,
  Locale,
  VisitorContext,
  VerifiedUser,
  VisitorClientEvents,
  VisitorServerEvents,
} from '@support-chat/shared';
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
}

export interface AgentSocketData {
  agent: Pick<AgentRecord, 'id' | 'name' | 'email' | 'role' | 'capacity'>;
  sessionHash: string;
}

export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorSocketData>;
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, VisitorSocketData>;
export type AgentNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentSocketData>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, AgentSocketData>;
