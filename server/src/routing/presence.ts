import type { PresenceStatus } from '@support-chat/shared';

interface TrackedAgent {
  /** Connected console sockets (an agent may have several tabs). */
  sockets: Set<string>;
  /** What the agent chose; `offline` is derived from having no socket. */
  chosen: Exclude<PresenceStatus, 'offline'>;
  /** When the first of their current connections opened. */
  connectedSince: number;
}

/**
 * Who of the team is reachable right now, from their console connections. In-process: with
 * several server processes, each tracks its own sockets and the Redis-backed store aggregates.
 * Availability (presence × business hours) and load are `TeamRouting`'s.
 */
export class PresenceTracker {
  private readonly agents = new Map<string, TrackedAgent>();

  connect(agentId: string, socketId: string, now = Date.now()): void {
    const tracked = this.agents.get(agentId) ?? { sockets: new Set<string>(), chosen: 'online' as const, connectedSince: now };
    if (tracked.sockets.size === 0) tracked.connectedSince = now;
    tracked.sockets.add(socketId);
    this.agents.set(agentId, tracked);
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

  /** When the agent's current connection began (0 when offline). */
  connectedSince(agentId: string): number {
    const tracked = this.agents.get(agentId);
    return tracked && tracked.sockets.size > 0 ? tracked.connectedSince : 0;
  }

  /** Every agent this process has seen connect (online, away or offline now). */
  trackedIds(): string[] {
    return [...this.agents.keys()];
  }

  /** Agents online (not away), for routing and availability. */
  onlineAgentIds(): string[] {
    return this.trackedIds().filter((id) => this.status(id) === 'online');
  }
}
