/**
 * What the console knows at any moment, as one immutable value: the connection, the inbox, the
 * open conversation, the team, the canned replies, my presence, an AI draft, a search, and the
 * last failure to show. `AgentConnection` produces it; components render it.
 */
import type { AgentConversation, CannedReply, SessionEndedEvent, Source } from '@support-chat/shared';
import { emptyInbox, type InboxState } from './inbox-state.js';
import { emptyTeam, type TeamState } from './team-state.js';
import type { TranscriptState } from './transcript-state.js';

/** `unauthorized`: the session cookie is missing or expired; the console shows the login form. */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unauthorized';

/** An AI-drafted reply for the open conversation, on its way to the composer. */
export interface DraftState {
  conversationId: string;
  status: 'loading' | 'ready' | 'failed';
  text: string;
  sources: readonly Source[];
  error?: string;
}

export interface SearchState {
  query: string;
  from?: number;
  to?: number;
  /** Filtered by this label (issue 13); kept live as labels change. */
  label?: string;
  busy: boolean;
  /** Null until the first answer. */
  results: readonly AgentConversation[] | null;
}

export interface ConsoleState {
  readonly status: ConnectionStatus;
  readonly inbox: InboxState;
  readonly openId: string | null;
  readonly transcript: TranscriptState | null;
  readonly team: TeamState;
  readonly canned: readonly CannedReply[];
  /** What this agent chose; routing only gives conversations to agents who are online. */
  readonly presence: 'online' | 'away';
  readonly draft: DraftState | null;
  readonly search: SearchState | null;
  /** The last thing that failed, for the alert region; cleared by `dismissNotice()`. */
  readonly notice: string | null;
  /** Why the server ended this session (a password change, a deactivation, expiry), with status `unauthorized`. */
  readonly signedOut: SessionEndedEvent | null;
}

/** The conversation open in the middle, as the inbox knows it (the watch's answer puts it there). */
export function openConversation(state: Pick<ConsoleState, 'openId' | 'inbox'>): AgentConversation | undefined {
  return state.openId ? state.inbox.byId.get(state.openId) : undefined;
}

export function initialState(agentId: string): ConsoleState {
  return {
    status: 'connecting',
    inbox: emptyInbox(agentId),
    openId: null,
    transcript: null,
    team: emptyTeam(),
    canned: [],
    presence: 'online',
    draft: null,
    search: null,
    notice: null,
    signedOut: null,
  };
}
