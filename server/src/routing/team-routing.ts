import type { AgentPresence, AgentRole, Availability, PresenceStatus, SystemNote } from '@support-chat/shared';
import type { Summarizer } from '../ai/types.js';
import type { DomainEventBus } from '../conversations/events.js';
import type { Clock, ConversationService, SeenHandler } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AgentRecord, ConversationRecord, Store } from '../store/types.js';
import { pickAgent, type Candidate } from './assignment.js';
import { hoursAt } from './business-hours.js';
import { HandoffNotes } from './handoff-note.js';
import type { Leases, Presence, PresenceEntry, Timers } from '../coordination/types.js';

/** After Redis comes back: longer than a presence heartbeat's expiry (6 s), so every live process has written its agents back. */
const GRACE_SWEEP_AFTER_REDIS_MS = 8000;
/** Timer keys of disconnect grace periods: `grace:<agentId>`. */
const GRACE = 'grace:';
const ASSIGN_LEASE = 'assign';
/** Longer than any assignment pass; released as soon as the pass ends. */
const ASSIGN_LEASE_MS = 10_000;
const ASSIGN_RETRY_MS = 200;

function statusIn(connected: ReadonlyMap<string, PresenceEntry>, agentId: string): PresenceStatus {
  return connected.get(agentId)?.status ?? 'offline';
}

/** Who handled `conversation` when it was read: a move is made only while that still holds. */
const seenHandler = (conversation: ConversationRecord): SeenHandler => ({ assignedAgentId: conversation.assignedAgentId ?? null });

/** Agents online (not away), for routing and availability. */
export function onlineIds(connected: ReadonlyMap<string, PresenceEntry>): string[] {
  return [...connected].filter(([, entry]) => entry.status === 'online').map(([id]) => id);
}

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
  presence: Presence;
  /** Grace periods outlive the process that started them (another process may run them). */
  timers: Timers;
  /** One assignment pass at a time across processes, so capacity holds. */
  leases: Leases;
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
  /** Hand-off notes being written: a conversation is assigned once its note is there. */
  private readonly notesInProgress = new Map<string, Promise<unknown>>();
  private readonly lastAssignedAt = new Map<string, number>();
  private readonly lastPresence = new Map<string, string>();
  private lastAvailability: Availability | null = null;
  private draining = false;
  private retryDrain: NodeJS.Timeout | undefined;
  private drainAgain = false;
  private disposed = false;
  private timer: NodeJS.Timeout | undefined;
  private graceSweep: NodeJS.Timeout | undefined;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly deps: TeamRoutingDeps) {
    this.notes = new HandoffNotes(deps.conversations, deps.logger, deps.summarizer);
  }

  async start(): Promise<void> {
    const { bus, presence, timers, refreshMs = 30_000 } = this.deps;
    this.offs.push(
      // Any change may free an agent or queue a visitor; a conversation just opened with the AI
      // does neither (and draining then could race its hand-off ahead of the hand-off note).
      bus.on('conversationChanged', (c) => {
        if (!(c.status === 'bot' && c.lastSeq === 0)) this.scheduleDrain();
      }),
      bus.on('handedOff', ({ conversation, reason, rule, detail }) => {
        const written = this.notes.write(conversation, reason, { rule, detail }).finally(() => {
          if (this.notesInProgress.get(conversation.id) === written) this.notesInProgress.delete(conversation.id);
        });
        this.notesInProgress.set(conversation.id, written);
        this.track(written);
      }),
      // An agent came or went through another process, or a process died with its agents' sockets.
      presence.onRemoteChange((agentIds) => {
        this.track(this.refresh());
        for (const agentId of agentIds) this.track(this.startGrace(agentId, { keepRunning: true }));
        // Everything may have changed (Redis is back, and may have come back empty: a restart
        // without persistence loses the grace timers): every absent agent's grace again, once
        // every live process has written its agents back (a presence heartbeat's expiry), or
        // agents connected elsewhere would look absent.
        // The first one scheduled stands: reconnects closer together than that would put it off for good.
        if (agentIds.length === 0 && !this.graceSweep) {
          this.graceSweep = setTimeout(() => {
            this.graceSweep = undefined;
            this.track(this.startGraces());
          }, GRACE_SWEEP_AFTER_REDIS_MS);
          this.graceSweep.unref();
        }
      }),
    );
    timers.start(async (key) => {
      if (key.startsWith(GRACE)) this.track(this.requeueAgent(key.slice(GRACE.length)));
    });
    await this.startGraces();
    this.lastAvailability = await this.availability();
    this.timer = setInterval(() => this.track(this.refresh()), refreshMs);
    this.timer.unref();
    this.scheduleDrain();
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    clearTimeout(this.graceSweep);
    clearTimeout(this.retryDrain);
    for (const off of this.offs.splice(0)) off();
  }

  /** Waits for assignments, notes and broadcasts in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** An agent was added or reactivated: every console's team list hears of them now (`announcePresence`). */
  teamChanged(): void {
    this.track(this.refresh());
  }

  /** The admin changed the routing settings: apply them now rather than at the next refresh. */
  settingsChanged(): void {
    this.track(this.refresh());
  }

  // ---- presence ----

  /** A console connected (the socket layer calls this; work is tracked, errors logged). */
  agentConnected(agent: TeamMember, socketId: string): void {
    this.track(this.connect(agent, socketId));
  }

  agentDisconnected(agentId: string, socketId: string): void {
    this.track(this.disconnect(agentId, socketId));
  }

  private async connect(agent: TeamMember, socketId: string): Promise<void> {
    const { presence, timers, clock } = this.deps;
    const { first } = await presence.connect(agent.id, socketId, clock.now());
    if (!first || this.disposed) return;
    await timers.cancel(GRACE + agent.id);
    await this.refresh();
  }

  private async disconnect(agentId: string, socketId: string): Promise<void> {
    const { last } = await this.deps.presence.disconnect(agentId, socketId);
    if (!last || this.disposed) return;
    await this.refresh();
    await this.startGrace(agentId);
  }

  async setPresence(agentId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<AgentPresence> {
    await this.deps.presence.setStatus(agentId, status);
    await this.refresh();
    return this.presenceOf(agentId);
  }

  async presenceOf(agentId: string): Promise<AgentPresence> {
    const agent = await this.deps.store.getAgent(agentId);
    if (!agent) throw new ChatError('not_found', 'No such agent.');
    return this.toPresence(agent, await this.openCounts(), await this.deps.presence.connected());
  }

  /** Everyone on the team, online first, then by name. */
  async teamList(): Promise<AgentPresence[]> {
    const [agents, loads, connected] = await Promise.all([this.deps.store.listAgents(), this.openCounts(), this.deps.presence.connected()]);
    const order: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };
    return agents
      .filter((a) => !a.deactivatedAt)
      .map((a) => this.toPresence(a, loads, connected))
      .sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name));
  }

  /** An agent's status now, wherever they are connected. */
  async statusOf(agentId: string): Promise<PresenceStatus> {
    return statusIn(await this.deps.presence.connected(), agentId);
  }

  /** Can a visitor reach a person now? Agents online (not away) × business hours. */
  async availability(): Promise<Availability> {
    const settings = await this.deps.store.getRoutingSettings();
    const { withinHours, nextOpenAt } = hoursAt(settings.businessHours, this.deps.clock.now());
    const agentsOnline = onlineIds(await this.deps.presence.connected()).length;
    const availability: Availability = { agentsOnline, withinHours, acceptingChats: withinHours && agentsOnline > 0 };
    if (nextOpenAt !== undefined) availability.nextOpenAt = nextOpenAt;
    return availability;
  }

  // ---- moves agents make ----

  /**
   * The moves of the console (transfer, hand back, close). `handledBy` is who the agent saw
   * handling the conversation (absent: whoever does now): the move is refused as a conflict when
   * someone else has it by now, and is made only while it holds.
   */
  async transfer(actor: TeamMember, conversationId: string, targetId: string, handledBy?: string | null): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    const seen = await this.stillHandledAsSeen(conversation, handledBy);
    await this.mayMove(actor, conversation, 'transfer');
    const target = await this.deps.store.getAgent(targetId);
    if (!target) throw new ChatError('not_found', 'No such agent.');
    if (target.deactivatedAt) throw new ChatError('invalid_state', `${target.name}'s account is deactivated: transfer to someone else.`);
    if ((await this.statusOf(targetId)) === 'offline') {
      throw new ChatError('invalid_state', `${target.name} is offline: transfer to someone who is online.`);
    }
    return this.deps.conversations.transfer(conversationId, target, seen);
  }

  async handBack(actor: TeamMember, conversationId: string, handledBy?: string | null): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    const seen = await this.stillHandledAsSeen(conversation, handledBy);
    await this.mayMove(actor, conversation, 'hand back');
    return this.deps.conversations.handBack(conversationId, seen);
  }

  async reopen(actor: TeamMember, conversationId: string): Promise<ConversationRecord> {
    return this.deps.conversations.reopen(conversationId, actor);
  }

  /** Closing an already closed conversation changes nothing (and is allowed). */
  async close(actor: TeamMember, conversationId: string, handledBy?: string | null): Promise<ConversationRecord> {
    const conversation = await this.deps.conversations.getConversation(conversationId);
    if (conversation.status === 'closed') return conversation;
    const seen = await this.stillHandledAsSeen(conversation, handledBy);
    await this.mayHandle(actor, conversation, 'close');
    return this.deps.conversations.close(conversationId, 'agent', seen);
  }

  /**
   * Who the move expects to find handling `conversation`: the one the agent saw, which must still
   * be the one (else `conflict`, naming who took it: the loser of two teammates taking over at
   * once read "only the agent handling it…", and an admin took it from the winner unawares).
   */
  private async stillHandledAsSeen(conversation: ConversationRecord, handledBy: string | null | undefined): Promise<SeenHandler> {
    const now = seenHandler(conversation);
    if (handledBy === undefined || conversation.status === 'closed' || handledBy === now.assignedAgentId) return now;
    const name = now.assignedAgentId ? (await this.deps.store.getAgent(now.assignedAgentId))?.name : undefined;
    throw new ChatError('conflict', `${name ?? 'Someone'} ${now.assignedAgentId ? 'has' : 'moved'} this conversation since you last looked: look again.`);
  }

  private async mayMove(actor: TeamMember, conversation: ConversationRecord, verb: string): Promise<void> {
    if (conversation.status === 'closed') throw new ChatError('invalid_state', 'This conversation is closed.');
    await this.mayHandle(actor, conversation, verb);
  }

  /**
   * The agent handling a conversation (or an admin) acts on it; on an unassigned one, anyone. So
   * does any teammate while its agent is away: Away keeps their chats, which nobody but an admin
   * could move, and so nobody could take over to answer (a support team's probe). Not while the
   * agent is offline: that is also a reload or a restart, which the disconnect grace covers (then
   * the chat goes back to the queue, anyone's). The move itself is made only if the agent
   * checked here still has it (`seenHandler`): two teammates taking over at once, one wins.
   */
  private async mayHandle(actor: TeamMember, conversation: ConversationRecord, verb: string): Promise<void> {
    const handler = conversation.status === 'assigned' ? conversation.assignedAgentId : null;
    if (!handler || handler === actor.id || actor.role === 'admin') return;
    if ((await this.statusOf(handler)) === 'away') return;
    throw new ChatError('forbidden', `Only the agent handling this conversation (or an admin) can ${verb} it, unless they are away.`);
  }

  // ---- assignment ----

  private scheduleDrain(): void {
    if (this.disposed) return;
    clearTimeout(this.retryDrain);
    this.retryDrain = undefined;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = true;
    this.track(this.drainLoop());
  }

  /**
   * One assignment pass at a time, across processes (a lease, so two processes never give the
   * same agent more than their capacity); changes made meanwhile ask for one more pass. When
   * another process is assigning, try again shortly: its pass may have started before our change.
   */
  private async drainLoop(): Promise<void> {
    let busyElsewhere = false;
    try {
      do {
        this.drainAgain = false;
        const lease = await this.deps.leases.acquire(ASSIGN_LEASE, ASSIGN_LEASE_MS);
        if (!lease) {
          busyElsewhere = true;
          break;
        }
        try {
          await this.assignQueued();
        } finally {
          await lease.release();
        }
        await this.announcePresence();
      } while (this.drainAgain && !this.disposed);
    } finally {
      this.draining = false;
    }
    if (busyElsewhere && !this.disposed) {
      this.retryDrain = setTimeout(() => this.scheduleDrain(), ASSIGN_RETRY_MS);
      this.retryDrain.unref();
    }
  }

  /**
   * In `auto` mode and within business hours: queued conversations, oldest first, to the least
   * busy online agent with room. Outside business hours visitors are told nobody is there (they
   * may leave a message), so nobody is given them either: the queue waits for the opening (the
   * refresh assigns then), or for an agent who claims by hand.
   */
  private async assignQueued(): Promise<void> {
    const { store, presence, conversations, clock } = this.deps;
    const settings = await store.getRoutingSettings();
    if (settings.assignment !== 'auto' || !hoursAt(settings.businessHours, clock.now()).withinHours) return;
    const connected = await presence.connected();
    const online = onlineIds(connected);
    if (online.length === 0) return;
    const queue = await store.listConversations({ statuses: ['queued'], order: 'queue', limit: 200 });
    if (queue.length === 0) return;
    const [loads, team] = await Promise.all([this.openCounts(), this.teamById()]);
    const candidates: (Candidate & { agent: AgentRecord })[] = [];
    for (const id of online) {
      const agent = team.get(id);
      // A deactivated agent's sockets may be closing on another process still.
      if (!agent || agent.deactivatedAt) continue;
      const idleSince = this.lastAssignedAt.get(id) ?? connected.get(id)?.connectedSince ?? 0;
      candidates.push({ id, agent, open: loads.get(id) ?? 0, capacity: agent.capacity, idleSince });
    }
    for (const conversation of queue) {
      const pick = pickAgent(candidates);
      if (!pick) return;
      await this.notesInProgress.get(conversation.id)?.catch(() => undefined);
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

  /**
   * The agent is gone: after the grace period their conversations go back to the queue. A shared
   * timer, so it fires even if this process dies meanwhile. `keepRunning`: a grace another process
   * (or this one, before a restart) already started keeps its due time.
   */
  private async startGrace(agentId: string, { keepRunning = false } = {}): Promise<void> {
    const seconds = (await this.deps.store.getRoutingSettings()).disconnectGraceSeconds;
    if (this.disposed || (await this.statusOf(agentId)) !== 'offline') return;
    await this.deps.timers.set(GRACE + agentId, seconds * 1000, { keepExisting: keepRunning });
  }

  /**
   * Conversations of agents not connected anywhere (after a restart, or Redis back from one):
   * their grace starts now, unless one already runs (another process's, or set before).
   */
  private async startGraces(): Promise<void> {
    const { store, presence } = this.deps;
    const [assigned, connected] = await Promise.all([store.listConversations({ statuses: ['assigned'], limit: 10_000 }), presence.connected()]);
    for (const agentId of new Set(assigned.map((c) => c.assignedAgentId))) {
      if (agentId && !connected.has(agentId)) this.track(this.startGrace(agentId, { keepRunning: true }));
    }
  }

  /** Their conversations go back to the queue, first in line, each with a note for the next agent. */
  private async requeueAgent(agentId: string): Promise<void> {
    if (this.disposed || (await this.statusOf(agentId)) !== 'offline') return;
    const seconds = (await this.deps.store.getRoutingSettings()).disconnectGraceSeconds;
    await this.requeueAll(agentId, (agentName) => ({ type: 'requeued', agentName, cause: 'disconnected', seconds }));
  }

  /**
   * An admin deactivated the agent (their sessions and sockets are ended by the caller): their
   * conversations go back to the queue at once, first in line (ahead of visitors who queued
   * later), and the team sees them leave. Returns how many went back.
   */
  async agentDeactivated(agentId: string): Promise<number> {
    const requeued = await this.requeueAll(agentId, (agentName) => ({ type: 'requeued', agentName, cause: 'deactivated' }));
    await this.deps.timers.cancel(GRACE + agentId);
    await this.refresh();
    return requeued;
  }

  /**
   * Each keeps the place it had when it was first queued (or taken from the AI): see
   * `ConversationService.requeue`, and the queue's order by `queuedAt`.
   */
  private async requeueAll(agentId: string, noteFor: (name: string) => SystemNote): Promise<number> {
    const { store, conversations } = this.deps;
    const theirs = await store.listConversations({ statuses: ['assigned'], assignedAgentId: agentId, limit: 10_000 });
    const name = (await store.getAgent(agentId))?.name ?? 'The agent';
    let count = 0;
    for (const conversation of theirs.sort((a, b) => (a.queuedAt ?? a.createdAt) - (b.queuedAt ?? b.createdAt))) {
      const requeued = await conversations.requeue(conversation.id, agentId);
      if (!requeued) continue;
      count += 1;
      await conversations.addSystemNote(requeued, noteFor(name));
    }
    return count;
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
    const [loads, team, connected] = await Promise.all([this.openCounts(), this.teamById(), presence.connected()]);
    // The whole team: one offline and idle since this process started is announced too (once),
    // so that their deactivation or reactivation reaches every console.
    const ids = new Set([...team.keys(), ...connected.keys(), ...loads.keys(), ...this.lastPresence.keys()]);
    for (const id of ids) {
      const agent = team.get(id);
      if (!agent) continue;
      const current = this.toPresence(agent, loads, connected);
      const key = JSON.stringify(current);
      if (this.lastPresence.get(id) === key) continue;
      this.lastPresence.set(id, key);
      if (!this.disposed) bus.emit('presenceChanged', current);
    }
  }

  private toPresence(agent: AgentRecord, loads: Map<string, number>, connected: ReadonlyMap<string, PresenceEntry>): AgentPresence {
    return {
      agentId: agent.id,
      name: agent.name,
      role: agent.role,
      status: agent.deactivatedAt ? 'offline' : statusIn(connected, agent.id),
      openConversations: loads.get(agent.id) ?? 0,
      capacity: agent.capacity,
      ...(agent.deactivatedAt ? { deactivated: true as const } : {}),
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
