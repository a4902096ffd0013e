/**
 * What this agent may do with a conversation right now, and why not. The server enforces the same
 * rules; the console only avoids offering what would be refused, and says why.
 */
import type { AgentConversation, AgentProfile, PresenceStatus } from '@support-chat/shared';
import type { ConnectionStatus } from './agent-connection.js';
import { fill, t } from './i18n/locale.js';

/** Read when a gate is asked (at render), so the reasons follow the console's language. */
const s = () => t().conversation;

export interface Gate {
  allowed: boolean;
  /** Shown next to a disabled control. */
  reason: string;
}

const yes: Gate = { allowed: true, reason: '' };
const no = (reason: string): Gate => ({ allowed: false, reason });

/** The conversation is assigned to this agent. */
export function isMine(conversation: AgentConversation, agent: AgentProfile): boolean {
  return conversation.status === 'assigned' && conversation.assignedAgentId === agent.id;
}

/**
 * Whether the agent may move (transfer, hand back, close) a conversation a colleague handles: an
 * admin always; anyone while that colleague is away, so a chat held by someone who stepped away
 * is not stuck (the server's rule too). Not while they are offline: a reload looks the same, and
 * the disconnect grace puts their chats back in the queue. `handler` is the colleague's presence,
 * when the console knows it.
 */
function mayMoveColleagues(agent: AgentProfile, handler: PresenceStatus | undefined): boolean {
  return agent.role === 'admin' || handler === 'away';
}

const handlerName = (conversation: AgentConversation) => conversation.assignedAgentName ?? s().anotherAgent;

export function canReply(
  conversation: AgentConversation,
  agent: AgentProfile,
  status: ConnectionStatus,
  handler?: PresenceStatus,
): Gate {
  if (conversation.status === 'closed') return no(s().isClosed);
  if (status === 'offline') return no(s().offlineReconnect);
  if (status !== 'online') return no(s().reconnectingReply);
  if (isMine(conversation, agent)) return yes;
  if (conversation.status === 'assigned') {
    if (handler === 'away' || handler === 'offline') {
      return no(fill(handler === 'away' ? s().handlerAway : s().handlerOffline, { name: handlerName(conversation) }));
    }
    return no(fill(s().handledBy, { name: handlerName(conversation) }));
  }
  if (conversation.status === 'bot') return no(s().aiAnsweringClaim);
  return no(s().claimToReply);
}

export function canClaim(conversation: AgentConversation, status: ConnectionStatus): Gate {
  if (conversation.status !== 'queued' && conversation.status !== 'bot') {
    return no(s().onlyClaimable);
  }
  return status === 'online' ? yes : no(s().youAreOffline);
}

export function canClose(
  conversation: AgentConversation,
  agent: AgentProfile,
  status: ConnectionStatus,
  handler?: PresenceStatus,
): Gate {
  if (conversation.status === 'closed') return no(s().alreadyClosed);
  if (conversation.status === 'assigned' && !isMine(conversation, agent) && !mayMoveColleagues(agent, handler)) {
    return no(fill(s().assignedToOther, { name: conversation.assignedAgentName ?? s().anotherAgentLower }));
  }
  return status === 'online' ? yes : no(s().youAreOffline);
}

/**
 * Mine (or, for an admin, anyone's; for anyone, an away colleague's, to themselves too) while a
 * person has it; a queued one can be given to someone.
 */
export function canTransfer(conversation: AgentConversation, agent: AgentProfile, status: ConnectionStatus, handler?: PresenceStatus): Gate {
  if (conversation.status === 'closed' || conversation.status === 'bot') return no(s().onlyTransferable);
  if (conversation.status === 'assigned' && !isMine(conversation, agent) && !mayMoveColleagues(agent, handler)) {
    return no(fill(s().assignedToOther, { name: conversation.assignedAgentName ?? s().anotherAgentLower }));
  }
  return status === 'online' ? yes : no(s().youAreOffline);
}

export function canHandback(conversation: AgentConversation, agent: AgentProfile, status: ConnectionStatus, handler?: PresenceStatus): Gate {
  if (conversation.status !== 'assigned') return no(s().onlyHandback);
  if (!isMine(conversation, agent) && !mayMoveColleagues(agent, handler)) return no(fill(s().assignedToOther, { name: conversation.assignedAgentName ?? s().anotherAgentLower }));
  return status === 'online' ? yes : no(s().youAreOffline);
}

export function canReopen(conversation: AgentConversation, status: ConnectionStatus): Gate {
  if (conversation.status !== 'closed') return no(s().onlyReopen);
  return status === 'online' ? yes : no(s().youAreOffline);
}

/** Notes are for the team: on any conversation, whoever has it. */
export function canNote(status: ConnectionStatus): Gate {
  if (status === 'offline') return no(s().offlineReconnect);
  return status === 'online' ? yes : no(s().reconnectingWrite);
}
