import { createHash, randomBytes } from 'node:crypto';
import { parse as parseCookie } from 'cookie';
import { SESSION_COOKIE, type AgentProfile } from '@support-chat/shared';
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
  return { id: agent.id, email: agent.email, name: agent.name, role: agent.role, capacity: agent.capacity };
}

/** Agent login sessions: a random cookie token, stored only as its hash. */
export class AgentSessions {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  readonly ttlMs = SESSION_TTL_MS;

  async create(agentId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.store.createSession({ tokenHash: hashToken(token), agentId, createdAt: now, expiresAt: now + SESSION_TTL_MS });
    return token;
  }

  /** The agent a cookie token belongs to, or null when it is unknown or expired. */
  async resolve(token: string | undefined): Promise<AgentRecord | null> {
    if (!token || token.length > 100) return null;
    const session = await this.store.getSession(hashToken(token));
    if (!session) return null;
    if (session.expiresAt <= this.now()) {
      await this.store.deleteSession(session.tokenHash);
      return null;
    }
    return this.store.getAgent(session.agentId);
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }
}
