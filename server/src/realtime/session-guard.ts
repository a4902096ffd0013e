import type { SessionEndReason, SessionEndedEvent } from '@support-chat/shared';
import type { AgentSessions } from '../auth/sessions.js';
import type { Clock } from '../conversations/service.js';
import type { Logger } from '../logger.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, AgentSocket, SessionEndOrder } from './types.js';

/** The longest delay `setTimeout` takes (~24.8 days); a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

const MESSAGES: Record<SessionEndReason, string> = {
  password_changed: 'your password was changed. Sign in with the new one.',
  deactivated: 'an admin deactivated your account.',
  expired: 'your session expired. Sign in again.',
  ended: 'your session was ended. Sign in again.',
};

export interface SessionGuardDeps {
  namespace: AgentNamespace;
  sessions: AgentSessions;
  clock: Clock;
  logger: Logger;
  /** Several processes share the site (a Socket.IO adapter between them): orders go to all. */
  clustered: boolean;
  /** How often every open socket's session is looked up again (ms). */
  recheckMs?: number;
}

/**
 * Console sockets live only as long as their session (issue 11), without a store read per
 * command (the agent → visitor relay is benchmarked at thousands of messages a second):
 * - each socket has a timer at its session's expiry;
 * - a password change or a deactivation ends the agent's sockets at once, on every process
 *   (`endAgent`: this one directly, the others through the adapter's `serverSideEmit`);
 * - every `recheckMs` the sessions of this process's sockets are looked up again (one read per
 *   session, not per socket), which ends sockets whose session was deleted some other way, or
 *   whose end order was lost (Redis away).
 * A socket is told why (`session:ended`) and then disconnected by the server, so the console does
 * not reconnect but shows the sign-in form with the reason.
 */
export class SessionGuard {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private interval: NodeJS.Timeout | undefined;
  private checking = false;
  private readonly offs: (() => void)[] = [];

  constructor(private readonly deps: SessionGuardDeps) {}

  start(): void {
    const { namespace, recheckMs = 30_000 } = this.deps;
    const onOrder = (order: SessionEndOrder) => this.endHere(order);
    namespace.on('sessions:end', onOrder);
    this.offs.push(() => namespace.off('sessions:end', onOrder));
    this.interval = setInterval(() => void this.recheck(), recheckMs);
    this.interval.unref();
  }

  dispose(): void {
    clearInterval(this.interval);
    for (const off of this.offs.splice(0)) off();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * A socket that just joined its rooms. Its session is looked up once more: an end order sent
   * while it was between authentication and joining found no socket to end.
   */
  watch(socket: AgentSocket): void {
    this.arm(socket);
    socket.on('disconnect', () => {
      clearTimeout(this.timers.get(socket.id));
      this.timers.delete(socket.id);
    });
    const { sessionHash } = socket.data;
    this.deps.sessions.resolveHash(sessionHash).then(
      (live) => {
        if (!live && socket.data.sessionHash === sessionHash) this.end([socket], this.reasonFor(socket));
      },
      (error: unknown) => this.deps.logger.warn({ err: error }, 'could not check a new agent socket’s session'),
    );
  }

  /** Ends the agent's sockets on every process of the site. */
  endAgent(order: SessionEndOrder): void {
    this.endHere(order);
    if (this.deps.clustered) this.deps.namespace.serverSideEmit('sessions:end', order);
  }

  private endHere({ agentId, reason, keep }: SessionEndOrder): void {
    const { namespace } = this.deps;
    const doomed: AgentSocket[] = [];
    for (const id of namespace.adapter.rooms.get(rooms.agent(agentId)) ?? []) {
      const socket = namespace.sockets.get(id);
      if (!socket) continue;
      if (keep && socket.data.sessionHash === keep.from) this.move(socket, keep);
      else doomed.push(socket);
    }
    this.end(doomed, reason);
  }

  private move(socket: AgentSocket, keep: NonNullable<SessionEndOrder['keep']>): void {
    void socket.leave(rooms.session(keep.from));
    void socket.join(rooms.session(keep.to));
    socket.data.sessionHash = keep.to;
    socket.data.sessionExpiresAt = keep.expiresAt;
    this.arm(socket);
  }

  private arm(socket: AgentSocket): void {
    clearTimeout(this.timers.get(socket.id));
    const delay = Math.min(Math.max(socket.data.sessionExpiresAt - this.deps.clock.now(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(socket.id);
      if (socket.data.sessionExpiresAt > this.deps.clock.now()) this.arm(socket);
      else this.end([socket], 'expired');
    }, delay);
    timer.unref();
    this.timers.set(socket.id, timer);
  }

  /** One lookup per session this process has sockets of; a store that does not answer ends nothing. */
  private async recheck(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const bySession = new Map<string, AgentSocket[]>();
      for (const socket of this.deps.namespace.sockets.values()) {
        const list = bySession.get(socket.data.sessionHash) ?? [];
        list.push(socket);
        bySession.set(socket.data.sessionHash, list);
      }
      for (const [hash, sockets] of bySession) {
        if (await this.deps.sessions.resolveHash(hash)) continue;
        const still = sockets.filter((s) => s.connected && s.data.sessionHash === hash);
        if (still[0]) this.end(still, this.reasonFor(still[0]));
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not re-check agent sessions');
    } finally {
      this.checking = false;
    }
  }

  private reasonFor(socket: AgentSocket): SessionEndReason {
    return socket.data.sessionExpiresAt <= this.deps.clock.now() ? 'expired' : 'ended';
  }

  /** Tells each socket why, then disconnects it (a server-side disconnect: the client does not retry). */
  private end(sockets: readonly AgentSocket[], reason: SessionEndReason): void {
    if (sockets.length === 0) return;
    const event: SessionEndedEvent = { reason, message: MESSAGES[reason] };
    for (const socket of sockets) {
      socket.emit('session:ended', event);
      socket.disconnect();
    }
    this.deps.logger.info({ agentId: sockets[0]!.data.agent.id, reason, sockets: sockets.length }, 'agent session ended');
  }
}
