import type { AgentPresence, AgentRole, Availability, PresenceStatus } from '@support-chat/shared';
import type { Summarizer } from '../ai/types.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { Clock, ConversationService } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AgentRecord, ConversationRecord, Store } from '../store/types.js';
import { pickAgent, type Candidate } from './assignment.js';
import { hoursAt } from './business-hours.js';
import { HandoffNotes } from './handoff-note.js';
import type { PresenceTracker } from './presence.js';

/** The agent asking for a move, as the socket knows them. */
export interface TeamMember {
  id: string;
  name: string;
  role: AgentRole;
  capacity: number;
}

export interface TeamRoutingDeps {
  store: Store;
  conversations: ConversationService;
  presence: PresenceTracker;
  bus: DomainEventBus;
  clock: Clock;
  logger: Logger;
  summarizer?: Summarizer;
  /** How often business hours and settings are looked at again (ms). */
  refreshMs?: number;
}

/**
 * The people side of routing (issue 4): who is online, automatic assignment to the least busy
 * agent within capacity, the grace period of an agent who dropped, transfers, hand-backs,
 * reopening, and whether visitors can reach a person now (presence × business hours).
 * Announces `presenceChanged` and `availabilityChanged` on the bus; knows nothing of sockets.
 */
export class TeamRouting {
  private readonly notes: HandoffNotes;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly lastAssignedAt = new Map<string, number>();
  private readonly lastPresence = new Map<string, string>();
  private lastAvailability: Availability | null = null;
  private draining = false;
  private drainAgain = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly deps: TeamRoutingDeps) {
    this.notes = new HandoffNotes(deps.conversations, deps.logger, deps.summarizer);
  }

  async start(): Promise<void> {
    const { bus, store, presence, refreshMs = 30_000 } = this.deps;
    this.offs.push(
      bus.on('conversationChanged', () => this.scheduleDrain()),
      bus.on('handedOff', ({ conversation, reason, detail }) => {
        this.track(this.notes.write(conversation, reason, detail));
      }),
    );
    // Conversations of agents who were connected before a restart: their grace starts now.
    const assigned = await store.listConversations({ statuses: ['assigned'], limit: 10_000 });
    for (const agentId of new Set(assigned.map((c) => c.assignedAgentId))) {
      if (agentId && presence.status(agentId) === 'offline') this.track(this.startGrace(agentId));
    }
    this.lastAvailability = await this.availability();
    this.timer = setInterval(() => this.track(this.refresh()), refreshMs);
    this.timer.unref();
    this.scheduleDrain();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    for (const timer of this.graceTimers.values()) clearTimeout(timer);
    this.graceTimers.clear();
    for (const off of this.offs.splice(0)) off();
  }

  /** Waits for assignments, notes and broadcasts in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** The admin changed the routing settings: apply them now rather than at the next refresh. */
  settingsChanged(): void {
    this.track(this.refresh());
  }

  // ---- presence ----

  agentConnected(agent: TeamMember, socketId: string): void {
    const { presence, clock } = this.deps;
    const wasOffline = presence.status(agent.id) === 'offline';
    presence.connect(agent.id, socketId, clock.now());
    const grace = this.graceTimers.get(agent.id);
    if (grace) {
      clearTimeout(grace);
      this.graceTimers.delete(agent.id);
    }
    if (wasOffline && !this.disposed) this.track(this.refresh());
  }

  agentDisconnected(agentId: string, socketId: string): void {
    if (!this.deps.presence.disconnect(agentId, socketId) || this.disposed) return;
    this.track(this.refresh());
    this.track(this.startGrace(agentId));
  }

  async setPresence(agentId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<AgentPresence> {
    this.deps.presence.setStatus(agentId, status);
    await this.refresh();
    return this.presenceOf(agentId);
  }

  async presenceOf(agentId: string): Promise<AgentPresence> {
    const agent = await this.deps.store.getAgent(agentId);
    if (!agent) throw new ChatError('not_found', 'No such agent.');
    return this.toPresence(agent, await this.openCounts());
  }

  /** Everyone on the team, online first, then by name. */
  async teamList(): Promise<AgentPresence[]> {
    const [agents, loads] = await Promise.all([this.deps.store.listAgents(), this.openCounts()]);
    const order: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
    return agents
      .map((a) => this.toPresence(a, loads))
      .sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name));
  }

  /** Can a visitor reach a person now? Agents online (not away) × business hours. */
  async availability(): Promise<Availability> {
    const settings = await this.deps.store.getRoutingSettings();
    const { withinHours, nextOpenAt } = hoursAt(settings.businessHours, this.deps.clock.now());
    const agentsOnline = this.deps.presence.onlineAgentIds().length;
    const availability: Availability = { agentsOnline, withinHours, acceptingChats: withinHours && agentsOnline > 0 };
    if (nextOpenAt !== undefined) availability.nextOpenAt = nextOpenAt;
    return availability;
  }

  // ---- moves agents make ----

  async transfer(actor: TeamMember, conversationId: string, targetId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    this.mayMove(actor, conversation, 'transfer');
    const target = await this.deps.store.getAgent(targetId);
    if (!target) throw new ChatError('not_found', 'No such agent.');
    if (this.deps.presence.status(targetId) === 'offline') {
      throw new ChatError('invalid_state', `${target.name} is offline: transfer to someone who is online.`);
    }
    return this.deps.conversations.transfer(conversationId, target);
  }

  async handBack(actor: TeamMember, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    this.mayMove(actor, conversation, 'hand back');
    return this.deps.conversations.handBack(conversationId);
  }

  async reopen(actor: TeamMember, conversationId: string): Promise<ConversationRecord> {
    return this.deps.conversations.reopen(conversationId, actor);
  }

  /** Closing an already closed conversation changes nothing (and is allowed). */
  async close(actor: TeamMember, conversationId: string): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    this.mayHandle(actor, conversation, 'close');
    return this.deps.conversations.close(conversationId, 'agent');
  }

  private mayMove(actor: TeamMember, conversation: ConversationRecord, verb: string): void {
    if (conversation.status === 'closed') throw new ChatError('invalid_state', 'This conversation is closed.');
    this.mayHandle(actor, conversation, verb);
  }

  /** The agent handling a conversation (or an admin) acts on it; on an unassigned one, anyone. */
  private mayHandle(actor: TeamMember, conversation: ConversationRecord, verb: string): void {
    if (conversation.status === 'assigned' && conversation.assignedAgentId !== actor.id && actor.role !== 'admin') {
      throw new ChatError('forbidden', `Only the agent handling this conversation (or an admin) can ${verb} it.`);
    }
  }

  // ---- assignment ----

  private scheduleDrain(): void {
    if (this.disposed) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    this.track(this.drainLoop());
  }

  /** One assignment pass at a time; changes made meanwhile ask for one more pass. */
  private async drainLoop(): Promise<void> {
    try {
      do {
        this.drainAgain = false;
        await this.assignQueued();
        await this.announcePresence();
      } while (this.drainAgain && !this.disposed);
    } finally {
      this.draining = false;
    }
  }

  /** In `auto` mode: queued conversations, oldest first, to the least busy online agent with room. */
  private async assignQueued(): Promise<void> {
    const { store, presence, conversations, clock } = this.deps;
    if ((await store.getRoutingSettings()).assignment !== 'auto') return;
    const online = presence.onlineAgentIds();
    if (online.length === 0) return;
    const queue = await store.listConversations({ statuses: ['queued'], order: 'queue', limit: 200 });
    if (queue.length === 0) return;
    const [loads, team] = await Promise.all([this.openCounts(), this.teamById()]);
    const candidates: (Candidate & { agent: AgentRecord })[] = [];
    for (const id of online) {
      const agent = team.get(id);
      if (!agent) continue;
      const idleSince = this.lastAssignedAt.get(id) ?? presence.connectedSince(id);
      candidates.push({ id, agent, open: loads.get(id) ?? 0, capacity: agent.capacity, idleSince });
    }
    for (const conversation of queue) {
      const pick = pickAgent(candidates);
      if (!pick) return;
      try {
        await conversations.claim(conversation.id, pick.agent, { from: ['queued'] });
      } catch (error) {
        // Claimed by hand (or handed back) meanwhile: not ours to assign any more.
        if (error instanceof ChatError && (error.code === 'conflict' || error.code === 'invalid_state')) continue;
        throw error;
      }
      pick.open += 1;
      pick.idleSince = clock.now();
      this.lastAssignedAt.set(pick.id, pick.idleSince);
    }
  }

  /** One query for the whole team: assignment and presence run on every conversation change. */
  private async teamById(): Promise<Map<string, AgentRecord>> {
    return new Map((await this.deps.store.listAgents()).map((agent) => [agent.id, agent]));
  }

  private async openCounts(): Promise<Map<string, number>> {
    const assigned = await this.deps.store.listConversations({ statuses: ['assigned'], limit: 10_000 });
    const loads = new Map<string, number>();
    for (const c of assigned) if (c.assignedAgentId) loads.set(c.assignedAgentId, (loads.get(c.assignedAgentId) ?? 0) + 1);
    return loads;
  }

  // ---- grace period ----

  private async startGrace(agentId: string): Promise<void> {
    const seconds = (await this.deps.store.getRoutingSettings()).disconnectGraceSeconds;
    if (this.disposed || this.deps.presence.status(agentId) !== 'offline') return;
    clearTimeout(this.graceTimers.get(agentId));
    const timer = setTimeout(() => {
      this.graceTimers.delete(agentId);
      this.track(this.requeueAgent(agentId, seconds));
    }, seconds * 1000);
    timer.unref();
    this.graceTimers.set(agentId, timer);
  }

  /** Their conversations go back to the queue, first in line, each with a note for the next agent. */
  private async requeueAgent(agentId: string, seconds: number): Promise<void> {
    const { store, conversations, presence } = this.deps;
    if (this.disposed || presence.status(agentId) !== 'offline') return;
    const theirs = await store.listConversations({ statuses: ['assigned'], assignedAgentId: agentId, limit: 10_000 });
    const name = (await store.getAgent(agentId))?.name ?? 'The agent';
    for (const conversation of theirs.sort((a, b) => (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt))) {
      const requeued = await conversations.requeue(conversation.id, agentId);
      if (requeued) {
        await conversations.addNote(requeued, `${name} was disconnected for more than ${seconds} s: back in the queue, first in line.`);
      }
    }
  }

  // ---- announcements ----

  /** Presence, business hours or settings may have moved: re-announce availability, assign again. */
  private async refresh(): Promise<void> {
    await this.announceAvailability();
    this.scheduleDrain();
  }

  private async announceAvailability(): Promise<void> {
    const now = await this.availability();
    const before = this.lastAvailability;
    this.lastAvailability = now;
    if (this.disposed || (before && JSON.stringify(before) === JSON.stringify(now))) return;
    this.deps.bus.emit('availabilityChanged', now);
  }

  /** `presenceChanged` for every teammate whose status or load differs from what was last said. */
  private async announcePresence(): Promise<void> {
    const { presence, bus } = this.deps;
    const [loads, team] = await Promise.all([this.openCounts(), this.teamById()]);
    const ids = new Set([...presence.trackedIds(), ...loads.keys(), ...this.lastPresence.keys()]);
    for (const id of ids) {
      const agent = team.get(id);
      if (!agent) continue;
      const current = this.toPresence(agent, loads);
      const key = JSON.stringify(current);
      if (this.lastPresence.get(id) === key) continue;
      this.lastPresence.set(id, key);
      if (!this.disposed) bus.emit('presenceChanged', current);
    }
  }

  private toPresence(agent: AgentRecord, loads: Map<string, number>): AgentPresence {
    return {
      agentId: agent.id,
      name: agent.name,
      role: agent.role,
      status: this.deps.presence.status(agent.id),
      openConversations: loads.get(agent.id) ?? 0,
      capacity: agent.capacity,
    };
  }

  private track(work: Promise<unknown>): void {
    if (this.disposed) {
      // Shutting down: the store may already be closing, so a late failure is expected, not news.
      work.catch(() => {});
      return;
    }
    const tracked = work
      .catch((error: unknown) => this.deps.logger.error({ err: error }, 'team routing failed'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
