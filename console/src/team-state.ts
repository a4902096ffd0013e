/**
 * The team as the console sees it: each teammate's presence and load, from `team:list` and then
 * `presence:changed`. Pure and immutable, like the inbox.
 */
import type { AgentConversation, AgentPresence, PresenceStatus } from '@support-chat/shared';

export interface TeamState {
  readonly loaded: boolean;
  readonly byId: ReadonlyMap<string, AgentPresence>;
}

export function emptyTeam(): TeamState {
  return { loaded: false, byId: new Map() };
}

export function teamLoaded(agents: readonly AgentPresence[]): TeamState {
  return { loaded: true, byId: new Map(agents.map((a) => [a.agentId, a])) };
}

/** A teammate's presence or load changed; one deactivated by an admin leaves the team. */
export function presenceChanged(state: TeamState, presence: AgentPresence): TeamState {
  const byId = new Map(state.byId);
  if (presence.deactivated) byId.delete(presence.agentId);
  else byId.set(presence.agentId, presence);
  return { ...state, byId };
}

const ORDER: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };

/** Online first, then away, then offline; by name within each. */
export function teamList(state: TeamState): AgentPresence[] {
  return [...state.byId.values()].sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.name.localeCompare(b.name));
}

export interface TransferTarget extends AgentPresence {
  /** At capacity: offered, but the agent is told (the server may still refuse). */
  full: boolean;
}

/** Who a conversation can be transferred to: online teammates other than its current agent. */
export function transferTargets(state: TeamState, exceptAgentId: string | undefined): TransferTarget[] {
  return teamList(state)
    .filter((a) => a.status === 'online' && a.agentId !== exceptAgentId)
    .map((a) => ({ ...a, full: a.openConversations >= a.capacity }));
}

/** The teammates who are Away, the same set while that does not change (a new one re-renders the inbox). */
export const awayIds = (() => {
  let last: { state: TeamState; ids: ReadonlySet<string> } | null = null;
  return (state: TeamState): ReadonlySet<string> => {
    if (last?.state !== state) last = { state, ids: new Set([...state.byId.values()].filter((a) => a.status === 'away').map((a) => a.agentId)) };
    return last.ids;
  };
})();

/** The presence of the agent a conversation is assigned to, when the team is known (permissions.ts). */
export function handlerStatus(state: TeamState, conversation: Pick<AgentConversation, 'status' | 'assignedAgentId'>): PresenceStatus | undefined {
  if (conversation.status !== 'assigned' || !conversation.assignedAgentId) return undefined;
  return state.byId.get(conversation.assignedAgentId)?.status;
}

/** "2 / 5": open conversations out of capacity. */
export function loadLabel(a: Pick<AgentPresence, 'openConversations' | 'capacity'>): string {
  return `${a.openConversations} / ${a.capacity}`;
}
