import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
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

async function consume(limiter: RateLimiterMemory, key: string, message: string): Promise<void> {
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

export function createMemoryRateLimits(
  options: {
    visitorMessagesPerMinute?: number;
    socketEventsPer10s?: number;
    agentEventsPer10s?: number;
    loginFailuresPer15min?: number;
  } = {},
): RateLimits {
  const events = new RateLimiterMemory({ points: options.socketEventsPer10s ?? LIMITS.socketEventsPer10s, duration: 10 });
  const agentEvents = new RateLimiterMemory({ points: options.agentEventsPer10s ?? LIMITS.agentEventsPer10s, duration: 10 });
  const messages = new RateLimiterMemory({
    points: options.visitorMessagesPerMinute ?? LIMITS.visitorMessagesPerMinute,
    duration: 60,
  });
  const logins = new RateLimiterMemory({ points: options.loginFailuresPer15min ?? 5, duration: 15 * 60 });
  return {
    socketEvent: (id) => consume(events, id, 'Too many requests.'),
    agentEvent: (id) => consume(agentEvents, id, 'Too many requests from this agent.'),
    visitorMessage: (id) => consume(messages, id, 'You are sending messages too quickly.'),
    loginFailure: async (key) => {
      await logins.penalty(key, 1);
    },
    loginAllowed: async (key) => {
      const state = await logins.get(key);
      return !state || state.consumedPoints < (options.loginFailuresPer15min ?? 5);
    },
    loginSucceeded: async (key) => {
      await logins.delete(key);
    },
  };
}
