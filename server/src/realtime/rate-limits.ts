import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LIMITS } from '@support-chat/shared';
import { createLoginLimits, type LoginLimits } from '../auth/login-limits.js';
import { RateLimited } from '../errors.js';
import { DEFAULT_LIMITS, type FloodLimits } from '../limits.js';
import { definedOnly } from '../defined-only.js';

/**
 * What a stranger can send, bounded (rate-limiter-flexible: the same limiter API in memory now
 * and in Redis when several processes share the limits).
 */
export interface RateLimits {
  /**
   * Any socket event of a visitor, per visitor on this process (all their sockets here: a
   * security probe got 100 sockets on one visitor token 20 resumes each, 2 MB apiece, and held
   * the event loop for seconds, where one socket's limit would have let through 60). Counted in
   * this process's memory, as a visitor's sockets are mostly on one (no trip to Redis per event).
   */
  visitorEvent(visitorId: string): Promise<void>;
  /** Any socket event of a signed-in agent, per agent (their limit is a busy agent's, not a stranger's). */
  agentEvent(agentId: string): Promise<void>;
  /** Chat messages, per visitor (across their tabs and reconnects). */
  visitorMessage(visitorId: string): Promise<void>;
  /**
   * Gives back what `visitorMessage` took for a send that stored nothing new: refused because the
   * store was away, or a resend of one already stored. The widget resends by itself through an
   * outage (1 s doubling to 30 s), so after one its waiting messages met `rate_limited` (an
   * operator's probe). Never fails: a refund that cannot be made leaves the count as it was.
   */
  refundVisitorMessage(visitorId: string): Promise<void>;
  /** A new socket connection from an address (issue 11). */
  connection(address: string): Promise<void>;
  /** A visitor token minted for a new visitor, per address: new identities are not free. */
  newVisitor(address: string): Promise<void>;
  /** A conversation about to be created, per address and per visitor. */
  newConversation(visitorId: string, address: string): Promise<void>;
  /** A REST API request, per API token (issue 13). */
  apiRequest(tokenId: string): Promise<void>;
  /** A file a visitor sends, per address and per visitor (issue 13). */
  visitorUpload(visitorId: string, address: string): Promise<void>;
  /** Failed logins per account, per address and per known device (auth/login-limits.ts). */
  login: LoginLimits;
  /** Sockets one address may hold open on one process (a count, not a rate: connection-guard.ts). */
  readonly openSocketsPerAddress: number;
}

async function consume(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new RateLimited(message, error.msBeforeNext, error.consumedPoints > 2 * limiter.points);
    throw error;
  }
}

export interface RateLimitOptions extends Partial<FloodLimits> {
  visitorMessagesPerMinute?: number;
  socketEventsPer10s?: number;
  agentEventsPer10s?: number;
}

/** Makes one limiter: `name` tells the limits apart where they share a store. */
export type LimiterFactory = (name: string, points: number, durationSeconds: number) => RateLimiterAbstract;

/**
 * The same limits over any rate-limiter-flexible store (memory here, Redis in redis-rate-limits.ts).
 * `perProcess` makes the limits counted where the events arrive: a visitor's events, on the
 * process that holds their sockets, need no shared store (nor a trip to one per event).
 */
export function createRateLimits(limiter: LimiterFactory, options: RateLimitOptions = {}, perProcess: LimiterFactory = limiter): RateLimits {
  const limits: FloodLimits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const events = perProcess('events', options.socketEventsPer10s ?? LIMITS.socketEventsPer10s, 10);
  const agentEvents = limiter('agent-events', options.agentEventsPer10s ?? LIMITS.agentEventsPer10s, 10);
  const messages = limiter('messages', options.visitorMessagesPerMinute ?? LIMITS.visitorMessagesPerMinute, 60);
  const connections = limiter('connections', limits.connectionsPerAddressPerMinute, 60);
  const newVisitors = limiter('new-visitors', limits.newVisitorsPerAddressPerHour, 3600);
  const addressConversations = limiter('address-conversations', limits.conversationsPerAddressPerHour, 3600);
  const visitorConversations = limiter('visitor-conversations', limits.conversationsPerVisitorPerHour, 3600);
  const apiRequests = limiter('api-requests', limits.apiRequestsPerTokenPerMinute, 60);
  const addressUploads = limiter('address-uploads', limits.uploadsPerAddressPerHour, 3600);
  const visitorUploads = limiter('visitor-uploads', limits.uploadsPerVisitorPerHour, 3600);
  return {
    visitorEvent: (id) => consume(events, id, 'Too many requests.'),
    agentEvent: (id) => consume(agentEvents, id, 'Too many requests from this agent.'),
    visitorMessage: (id) => consume(messages, id, 'You are sending messages too quickly.'),
    refundVisitorMessage: (id) => messages.reward(id, 1).then(
      () => undefined,
      () => undefined,
    ),
    connection: (address) => consume(connections, address, 'Too many connections from your network.'),
    newVisitor: (address) => consume(newVisitors, address, 'Too many new chat visitors from your network.'),
    newConversation: async (visitorId, address) => {
      await consume(addressConversations, address, 'Too many new conversations from your network.');
      await consume(visitorConversations, visitorId, 'You have started too many conversations.');
    },
    apiRequest: (tokenId) => consume(apiRequests, tokenId, 'Too many requests with this API token.'),
    visitorUpload: async (visitorId, address) => {
      await consume(addressUploads, address, 'Too many files from your network.');
      await consume(visitorUploads, visitorId, 'You have sent too many files.');
    },
    login: createLoginLimits(limiter, limits),
    openSocketsPerAddress: limits.openSocketsPerAddress,
  };
}


export function createMemoryRateLimits(options: RateLimitOptions = {}): RateLimits {
  return createRateLimits((_name, points, duration) => new RateLimiterMemory({ points, duration }), options);
}
