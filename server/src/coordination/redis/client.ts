import { createHash } from 'node:crypto';
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';

export type RedisClient = RedisClientType;

/**
 * A node-redis client that reports an outage once (not once per reconnect attempt) and its end.
 * Before it was ever ready a failure is final, so a wrong `REDIS_URL` stops the start with a clear
 * message instead of retrying forever; after that it reconnects with a capped backoff.
 * No offline queue by default: while Redis is away commands fail at once instead of piling up
 * behind the reconnect, so a chat command never waits on it (the callers log, presence re-syncs).
 */
export async function connectRedis(
  url: string,
  { name, logger, offlineQueue = false }: { name: string; logger?: Logger; offlineQueue?: boolean },
): Promise<RedisClient> {
  let everReady = false;
  let down = false;
  const client: RedisClient = createClient({
    url,
    // CLIENT LIST shows which connection is which (spaces are not allowed in a client name).
    name: name.replace(/\s+/g, '-'),
    disableOfflineQueue: !offlineQueue,
    socket: {
      connectTimeout: 3000,
      reconnectStrategy: (retries, cause) =>
        everReady ? Math.min(50 * 2 ** retries, 2000) : new Error(`Redis at ${redactUrl(url)} is unreachable (${cause.message || cause.name})`),
    },
  });
  client.on('error', (error: Error) => {
    if (!everReady || down) return;
    down = true;
    logger?.error({ err: error, client: name }, 'Redis connection lost; retrying');
  });
  client.on('ready', () => {
    if (down) logger?.info({ client: name }, 'Redis connection back');
    down = false;
    everReady = true;
  });
  await client.connect();
  return client;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured URL (unparseable)';
  }
}

/**
 * Lua scripts by SHA (EVALSHA, loaded again after NOSCRIPT, e.g. after a Redis restart). Scripts
 * touch keys they compute from the prefix, so this needs one Redis (or Sentinel), not Cluster.
 */
export class Script {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args.map(String)];
    try {
      return await client.sendCommand(['EVALSHA', this.sha, ...tail]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', this.source, ...tail]);
    }
  }
}

/** Milliseconds on Redis's own clock, inside a script: every node measures timers and expiry alike. */
export const LUA_NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
