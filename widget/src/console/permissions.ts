/**
 * What this agent may do with a conversation right now, and why not. The server enforces the same
 * rules; the console only avoids offering what would be refused, and says why.
 */
import type { AgentConversation, AgentProfile } from '@support-chat/shared';
import type { ConnectionStatus } from './agent-connection.js';

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

export function canReply(
  conversation: AgentConversation,
  agent: AgentProfile,
  status: ConnectionStatus,
): Gate {
  if (conversation.status === 'closed') return no('This conversation is closed.');
  if (status === 'offline') return no('You are offline. Use Reconnect at the top to go back online.');
  if (status !== 'online') return no('Reconnecting… You can reply once the console is back online.');
  if (isMine(conversation, agent)) return yes;
  if (conversation.status === 'assigned') {
    return no(`${conversation.assignedAgentName ?? 'Another agent'} is handling this conversation.`);
  }
  if (conversation.status === 'bot') return no('The AI is answering. Claim the conversation to reply.');
  return no('Claim this conversation to reply.');
}

export function canClaim(conversation: AgentConversation, status: ConnectionStatus): Gate {
  if (conversation.status !== 'queued' && conversation.status !== 'bot') {
    return no('Only queued or AI-handled conversations can be claimed.');
  }
  return status === 'online' ? yes : no('You are offline.');
}

export function canClose(
  conversation: AgentConversation,
  agent: AgentProfile,
  status: ConnectionStatus,
): Gate {
  if (conversation.status === 'closed') return no('Already closed.');
  if (conversation.status === 'assigned' && !isMine(conversation, agent) && agent.role !== 'admin') {
    return no(`Assigned to ${conversation.assignedAgentName ?? 'another agent'}.`);
  }
  return status === 'online' ? yes : no('You are offline.');
}

/** Mine (or, for an admin, anyone's) while a person has it; a queued one can be given to someone. */
export function canTransfer(conversation: AgentConversation, agent: AgentProfile, status: ConnectionStatus): Gate {
  if (conversation.status === 'closed' || conversation.status === 'bot') return no('Only queued or assigned conversations can be transferred.');
  if (conversation.status === 'assigned' && !isMine(conversation, agent) && agent.role !== 'admin') {
    return no(`Assigned to ${conversation.assignedAgentName ?? 'another agent'}.`);
  }
  return status === 'online' ? yes : no('You are offline.');
}

export function canHandback(conversation: AgentConversation, agent: AgentProfile, status: ConnectionStatus): Gate {
  if (conversation.status !== 'assigned') return no('Only a conversation a person is handling can go back to the AI.');
  if (!isMine(conversation, agent) && agent.role !== 'admin') return no(`Assigned to ${conversation.assignedAgentName ?? 'another agent'}.`);
  return status === 'online' ? yes : no('You are offline.');
}

export function canReopen(conversation: AgentConversation, status: ConnectionStatus): Gate {
  if (conversation.status !== 'closed') return no('Only closed conversations can be reopened.');
  return status === 'online' ? yes : no('You are offline.');
}

/** Notes are for the team: on any conversation, whoever has it. */
export function canNote(status: ConnectionStatus): Gate {
  if (status === 'offline') return no('You are offline. Use Reconnect at the top to go back online.');
  return status === 'online' ? yes : no('Reconnecting… You can write once the console is back online.');
}
