import { createHash, randomBytes } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import { SESSION_COOKIE, type AgentProfile } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type { AgentRecord, Store } from '../store/types.js';

const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The console's session token in a `Cookie` header (HTTP requests and the agent socket's handshake alike). */
export function sessionTokenFrom(cookieHeader: string | undefined): string | undefined {
  return parseCookie(cookieHeader ?? '')[SESSION_COOKIE];
}

export function toProfile(agent: AgentRecord): AgentProfile {
  const profile: AgentProfile = { id: agent.id, email: agent.email, name: agent.name, role: agent.role, capacity: agent.capacity };
  if (agent.deactivatedAt) profile.deactivatedAt = agent.deactivatedAt;
  if (agent.locale) profile.locale = agent.locale;
  return profile;
}

/** A live session: whose it is, and when it ends. */
export interface ResolvedSession {
  agent: AgentRecord;
  tokenHash: string;
  expiresAt: number;
}

/** Agent login sessions: a random cookie token, stored only as its hash. */
export class AgentSessions {
  readonly ttlMs: number;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    { ttlMs = SESSION_TTL_MS }: { ttlMs?: number } = {},
  ) {
    this.ttlMs = ttlMs;
  }

  /**
   * A session for an agent whose password was just verified. Stored only while that password and
   * the account still hold: a login racing an admin's password change or deactivation gets none.
   */
  async create(agent: Pick<AgentRecord, 'id' | 'passwordHash'>): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session = { tokenHash: hashToken(token), agentId: agent.id, createdAt: now, expiresAt: now + this.ttlMs };
    if (!(await this.store.createSession(session, { passwordHash: agent.passwordHash }))) {
      throw new ChatError('unauthorized', 'The password was changed or the account deactivated meanwhile. Sign in again.');
    }
    return token;
  }

  /** The agent a cookie token belongs to, or null when it is unknown, expired or deactivated. */
  async resolve(token: string | undefined): Promise<AgentRecord | null> {
    return (await this.resolveSession(token))?.agent ?? null;
  }

  /** The live session of a cookie token, or null. */
  async resolveSession(token: string | undefined): Promise<ResolvedSession | null> {
    if (!token || token.length > 100) return null;
    return this.resolveHash(hashToken(token));
  }

  /** The live session with this token hash (what a socket keeps), or null. */
  async resolveHash(tokenHash: string): Promise<ResolvedSession | null> {
    const session = await this.store.getSession(tokenHash);
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      await this.store.deleteSession(session.tokenHash);
      return null;
    }
    const agent = await this.store.getAgent(session.agentId);
    // Deactivation deletes the sessions too; checked here as well, so no path keeps one alive.
    if (!agent || agent.deactivatedAt) return null;
    return { agent, tokenHash, expiresAt: session.expiresAt };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }
}
