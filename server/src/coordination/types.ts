/**
 * What the processes of one site coordinate on (issue 10): who of the team is connected, who runs
 * a piece of work (leases), and timers that must fire even if the process that set them died.
 * The domain sees only these ports. One process gets the in-memory versions (memory.ts); many
 * processes get Redis-backed ones, which only `main.ts` chooses (redis/…): the domain never
 * imports Redis.
 */
import type { PresenceStatus } from '@support-chat/shared';

export type ChosenStatus = Exclude<PresenceStatus, 'offline'>;

export interface PresenceEntry {
  /** What the agent chose in the console. */
  status: ChosenStatus;
  /** When the first of their current connections opened. */
  connectedSince: number;
}

/** The team's console connections, across every process of the site. */
export interface Presence {
  /** `first`: the agent had no connection anywhere before this one. */
  connect(agentId: string, socketId: string, now: number): Promise<{ first: boolean }>;
  /** `last`: the agent has no connection left anywhere. */
  disconnect(agentId: string, socketId: string): Promise<{ last: boolean }>;
  setStatus(agentId: string, status: ChosenStatus): Promise<void>;
  /** Every agent connected to any process now (an agent without an entry is offline). */
  connected(): Promise<ReadonlyMap<string, PresenceEntry>>;
  /**
   * Presence changed without this process's doing: an agent connected to another process, or a
   * process died and its agents' connections were dropped. Lists the agents concerned.
   */
  onRemoteChange(listener: (agentIds: string[]) => void): () => void;
  close(): Promise<void>;
}

/** Work one process holds at a time (answering one visitor message, one assignment pass). */
export interface Lease {
  readonly key: string;
  /** Extends the lease; false when it was lost (it expired and someone else may hold it now). */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

export interface Leases {
  /** Takes `key` for `ttlMs` unless another holder has it: then null. */
  acquire(key: string, ttlMs: number): Promise<Lease | null>;
}

/**
 * Named timers that outlive the process that set them: when one is due, exactly one process runs
 * the handler for it. Setting a key again moves it. Keys say what they are for (`grace:<agentId>`).
 */
export interface Timers {
  /**
   * Fires `key` in `delayMs` (by the wall clock of the process that fires it). `keepExisting`:
   * leave a timer already set under `key` as it is.
   */
  set(key: string, delayMs: number, options?: { keepExisting?: boolean }): Promise<void>;
  cancel(key: string): Promise<void>;
  /** Starts firing due timers through `handler`; a handler that throws is logged by the caller. */
  start(handler: (key: string) => Promise<void>): void;
  close(): Promise<void>;
}

/** Everything a process coordinates through, chosen together by `main.ts`. */
export interface Coordination {
  presence: Presence;
  leases: Leases;
  timers: Timers;
  /** What `/healthz` says of the shared services (none for one process). */
  health?: () => Promise<Record<string, 'ok' | 'down'>>;
  close(): Promise<void>;
}
