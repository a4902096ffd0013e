import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LIMITS } from '@support-chat/shared';
import { ChatError } from '../errors.js';

/**
 * What a stranger can send, bounded (rate-limiter-flexible: the same limiter API in memory now
 * and in Redis when several processes share the limits).
 */
export interface RateLimits {
  /** Any socket event of a visitor, per socket. */
  socketEvent(socketId: string): Promise<void>;
  /** Any socket event of a signed-in agent, per agent (their limit is a busy agent's, not a stranger's). */
  agentEvent(agentId: string): Promise<void>;
  /** Chat messages, per visitor (across their tabs and reconnects). */
  visitorMessage(visitorId: string): Promise<void>;
  /** Failed logins, per email + address. */
  loginFailure(key: string): Promise<void>;
  loginAllowed(key: string): Promise<boolean>;
  loginSucceeded(key: string): Promise<void>;
}

async function consume(limiter: RateLimiterAbstract, key: string, message: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (error instanceof RateLimiterRes) {
      const seconds = Math.ceil(error.msBeforeNext / 1000);
      throw new ChatError('rate_limited', `${message} Try again in ${seconds} s.`);
    }
    throw error;
  }
}

export interface RateLimitOptions {
  visitorMessagesPerMinute?: number;
  socketEventsPer10s?: number;
  agentEventsPer10s?: number;
  loginFailuresPer15min?: number;
}

/** Makes one limiter: `name` tells the limits apart where they share a store. */
export type LimiterFactory = (name: string, points: number, durationSeconds: number) => RateLimiterAbstract;

/** The same limits over any rate-limiter-flexible store (memory here, Redis in redis-rate-limits.ts). */
export function createRateLimits(limiter: LimiterFactory, options: RateLimitOptions = {}): RateLimits {
  const events = limiter('events', options.socketEventsPer10s ?? LIMITS.socketEventsPer10s, 10);
  const agentEvents = limiter('agent-events', options.agentEventsPer10s ?? LIMITS.agentEventsPer10s, 10);
  const messages = limiter('messages', options.visitorMessagesPerMinute ?? LIMITS.visitorMessagesPerMinute, 60);
  const loginFailures = options.loginFailuresPer15min ?? 5;
  const logins = limiter('logins', loginFailures, 15 * 60);
  return {
    socketEvent: (id) => consume(events, id, 'Too many requests.'),
    agentEvent: (id) => consume(agentEvents, id, 'Too many requests from this agent.'),
    visitorMessage: (id) => consume(messages, id, 'You are sending messages too quickly.'),
    loginFailure: async (key) => {
      await logins.penalty(key, 1);
    },
    loginAllowed: async (key) => {
      const state = await logins.get(key);
      return !state || state.consumedPoints < loginFailures;
    },
    loginSucceeded: async (key) => {
      await logins.delete(key);
    },
  };
}

export function createMemoryRateLimits(options: RateLimitOptions = {}): RateLimits {
  return createRateLimits((_name, points, duration) => new RateLimiterMemory({ points, duration }), options);
}
