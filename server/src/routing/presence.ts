import type { AgentPresence, AgentRole, Availability, PresenceStatus } from '@support-chat/shared';

interface TrackedAgent {
  agentId: string;
  name: string;
  role: AgentRole;
  capacity: number;
  /** Connected console sockets (an agent may have several tabs). */
  sockets: Set<string>;
  /** What the agent chose; `offline` is derived from having no socket. */
  chosen: Exclude<PresenceStatus, 'offline'>;
}

/**
 * Who of the team is reachable right now, from their console connections. In-process: with
 * several server processes, each tracks its own sockets and the Redis-backed store aggregates.
 */
export class PresenceTracker {
  private readonly agents = new Map<string, TrackedAgent>();

  connect(agent: { id: string; name: string; role: AgentRole; capacity: number }, socketId: string): void {
    const tracked = this.agents.get(agent.id) ?? {
      agentId: agent.id,
      name: agent.name,
      role: agent.role,
      capacity: agent.capacity,
      sockets: new Set<string>(),
      chosen: 'online' as const,
    };
    tracked.sockets.add(socketId);
    this.agents.set(agent.id, tracked);
  }

  /** Returns true when this was the agent's last connection. */
  disconnect(agentId: string, socketId: string): boolean {
    const tracked = this.agents.get(agentId);
    if (!tracked) return false;
    tracked.sockets.delete(socketId);
    return tracked.sockets.size === 0;
  }

  setStatus(agentId: string, status: Exclude<PresenceStatus, 'offline'>): void {
    const tracked = this.agents.get(agentId);
    if (tracked) tracked.chosen = status;
  }

  status(agentId: string): PresenceStatus {
    const tracked = this.agents.get(agentId);
    if (!tracked || tracked.sockets.size === 0) return 'offline';
    return tracked.chosen;
  }

  /** Agents online (not away), for routing and availability. */
  onlineAgentIds(): string[] {
    return [...this.agents.values()].filter((a) => this.status(a.agentId) === 'online').map((a) => a.agentId);
  }

  presenceOf(agentId: string, openConversations: number): AgentPresence | null {
    const tracked = this.agents.get(agentId);
    if (!tracked) return null;
    return {
      agentId,
      name: tracked.name,
      role: tracked.role,
      status: this.status(agentId),
      openConversations,
      capacity: tracked.capacity,
    };
  }

  availability(): Availability {
    const agentsOnline = this.onlineAgentIds().length;
    return { agentsOnline, withinHours: true, acceptingChats: agentsOnline > 0 };
  }
}
