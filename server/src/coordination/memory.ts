import type { ChosenStatus, Coordination, Lease, Leases, Presence, PresenceEntry, Timers } from './types.js';

interface TrackedAgent {
  sockets: Set<string>;
  status: ChosenStatus;
  connectedSince: number;
}

/** One process's console connections: the whole team's when there is one process. */
export class MemoryPresence implements Presence {
  private readonly agents = new Map<string, TrackedAgent>();

  async connect(agentId: string, socketId: string, now: number): Promise<{ first: boolean }> {
    const tracked = this.agents.get(agentId) ?? { sockets: new Set<string>(), status: 'online' as const, connectedSince: now };
    const first = tracked.sockets.size === 0;
    if (first) tracked.connectedSince = now;
    tracked.sockets.add(socketId);
    this.agents.set(agentId, tracked);
    return { first };
  }

  async disconnect(agentId: string, socketId: string): Promise<{ last: boolean }> {
    const tracked = this.agents.get(agentId);
    if (!tracked || !tracked.sockets.delete(socketId)) return { last: false };
    return { last: tracked.sockets.size === 0 };
  }

  async setStatus(agentId: string, status: ChosenStatus): Promise<void> {
    const tracked = this.agents.get(agentId);
    if (tracked) tracked.status = status;
  }

  async connected(): Promise<ReadonlyMap<string, PresenceEntry>> {
    const entries = new Map<string, PresenceEntry>();
    for (const [id, tracked] of this.agents) {
      if (tracked.sockets.size > 0) entries.set(id, { status: tracked.status, connectedSince: tracked.connectedSince });
    }
    return entries;
  }

  onRemoteChange(): () => void {
    return () => undefined; // there is no other process
  }

  async close(): Promise<void> {}
}

/** Leases within one process: a key with an expiry. */
export class MemoryLeases implements Leases {
  private readonly held = new Map<string, { token: symbol; expiresAt: number }>();

  async acquire(key: string, ttlMs: number): Promise<Lease | null> {
    const current = this.held.get(key);
    if (current && current.expiresAt > Date.now()) return null;
    const token = Symbol(key);
    this.held.set(key, { token, expiresAt: Date.now() + ttlMs });
    const mine = () => this.held.get(key)?.token === token;
    return {
      key,
      renew: async (ms) => {
        if (!mine()) return false;
        this.held.set(key, { token, expiresAt: Date.now() + ms });
        return true;
      },
      release: async () => {
        if (mine()) this.held.delete(key);
      },
    };
  }
}

/** Timers of one process: they die with it, as everything else in it does. */
export class MemoryTimers implements Timers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private handler: ((key: string) => Promise<void>) | null = null;
  private readonly due: string[] = [];

  async set(key: string, delayMs: number, { keepExisting = false }: { keepExisting?: boolean } = {}): Promise<void> {
    if (keepExisting && this.timers.has(key)) return;
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.fire(key);
    }, Math.max(0, delayMs));
    timer.unref();
    this.timers.set(key, timer);
  }

  async cancel(key: string): Promise<void> {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  start(handler: (key: string) => Promise<void>): void {
    this.handler = handler;
    for (const key of this.due.splice(0)) void handler(key);
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.handler = null;
  }

  private fire(key: string): void {
    if (this.handler) void this.handler(key);
    else this.due.push(key);
  }
}

export function createMemoryCoordination(): Coordination {
  const presence = new MemoryPresence();
  const timers = new MemoryTimers();
  return {
    presence,
    leases: new MemoryLeases(),
    timers,
    close: async () => {
      await timers.close();
      await presence.close();
    },
  };
}
