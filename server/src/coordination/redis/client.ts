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
  {
    name,
    logger,
    offlineQueue = false,
    hang = HANG_WATCH,
    firstAnswerMs = FIRST_ANSWER_MS,
  }: { name: string; logger?: Logger; offlineQueue?: boolean; hang?: HangWatch; firstAnswerMs?: number },
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
  // `connectTimeout` bounds the TCP connect only: a server that accepts and never answers (a
  // wrong port behind a proxy, a hung Redis) held the start silent for ever (an operator's probe).
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${redactUrl(url)} is unreachable (no answer within ${firstAnswerMs / 1000} s)`)), firstAnswerMs);
  });
  const connecting = client.connect();
  connecting.catch(() => undefined); // given up on below: its own failure, if any, is not news
  try {
    await Promise.race([connecting, silent]);
  } catch (error) {
    client.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  watchForHang(client, { name, ...hang });
  return client;
}

/** How long a first connection may take to answer its handshake before the start gives up. */
const FIRST_ANSWER_MS = 10_000;

/** How long a closing connection may take to finish what it sent (or to reconnect first) before it is cut. */
const CLOSE_WAIT_MS = 1000;

/**
 * Closes a connection for good, in bounded time. node-redis's `close()` waits for the replies of
 * what was sent, and while Redis is away they never come: a SIGTERM during an outage never
 * exited (a rolling restart would hang until systemd's kill). After `CLOSE_WAIT_MS` the
 * connection is cut (what still waits on it is rejected). Not cut at once when it is not ready:
 * one reconnecting to a Redis that is back is in its handshake, whose commands node-redis does
 * not expect to be rejected (an unhandled rejection, seen in the adapter's tests).
 */
export async function closeRedis(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  let timer: NodeJS.Timeout | undefined;
  const closed = await Promise.race([
    client.close().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (!closed && client.isOpen) client.destroy();
}

/** How often a connection is asked for a PING, and how long one may go unanswered. */
export interface HangWatch {
  everyMs: number;
  hangMs: number;
}
const HANG_WATCH: HangWatch = { everyMs: 1000, hangMs: 6000 };

/**
 * A Redis that stops answering without closing the connection (a paused process, a partition
 * without a reset) left every command waiting for ever: messages stayed "Sending…" and new
 * visitors "Connecting…" until it answered again (an operator's probe, `kill -STOP`). The kernel
 * keeps such a connection open, so neither TCP nor node-redis notices. A PING still unanswered
 * after `hangMs` makes this connection an outage like any other: its listeners hear an error,
 * what waits on it is rejected (the callers fall back as while Redis is away: local presence,
 * memory rate limits, no lease), and it connects again, `ready` once Redis answers
 * (subscriptions are kept and renewed by node-redis).
 *
 * Not for a moment's slowness: an outage closes every client connection of the site once Redis
 * is back (redis-adapter.ts), so 6 s, not one slow reply (a fork for a snapshot, a subscriber
 * reading a burst), and never judged on a tick that came late (this process's event loop was
 * blocked: the PONG may be waiting to be read). Stops once the connection's owner closes it.
 */
function watchForHang(client: RedisClient, { name, everyMs, hangMs }: HangWatch & { name: string }): void {
  /** When the PING not answered yet was sent (none: null). */
  let askedAt: number | null = null;
  let lastTick = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - lastTick > everyMs + 1000;
    lastTick = now;
    if (!client.isOpen) return clearInterval(timer);
    if (!client.isReady) {
      askedAt = null;
      return;
    }
    if (askedAt === null) {
      const asked = (askedAt = now);
      const answered = () => {
        if (askedAt === asked) askedAt = null;
      };
      client.ping().then(answered, answered); // a failure is an answer: the connection's own errors say the rest
      return;
    }
    if (late || now - askedAt < hangMs) return;
    askedAt = null;
    // Logged by connectRedis's error listener ("connection lost"), as any outage.
    client.emit('error', new Error(`Redis did not answer a PING in ${hangMs} ms (${name}): connecting again`));
    client.destroy();
    client.connect().catch(() => undefined); // retried by reconnectStrategy; `ready` when it answers
  }, everyMs);
  timer.unref();
}

/** The oldest Redis the site runs on: the Socket.IO adapter publishes with SPUBLISH (sharded pub/sub, 7.0). */
export const MINIMUM_REDIS_MAJOR = 7;

/** A Redis too old for the site: refused at start, with the version it reported. */
export class RedisTooOldError extends Error {}

/** The version an `INFO server` reply names (`redis_version:7.0.15`), or null. */
export function redisVersion(info: string): string | null {
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? null;
}

/**
 * Refuses a Redis older than 7 at start. On Redis 6 (Debian 11 and Ubuntu 22.04 still ship it)
 * every SPUBLISH fails, and the adapter, which fails soft so that an outage does not stop local
 * chats, would go on quietly: each process a site of its own, visitors and agents on different
 * processes never hearing each other. A server that names no version (a proxy, a fork), or
 * will not say (INFO refused), is let in.
 */
export async function requireRedisVersion(client: RedisClient, url: string, logger?: Logger): Promise<void> {
  let info: string;
  try {
    info = String(await client.sendCommand(['INFO', 'server']));
  } catch (error) {
    // INFO is in ACL's @dangerous category and some hosted services rename it: a user without
    // it runs the site all the same, unchecked (SPUBLISH fails loudly in the log if it is old).
    logger?.warn({ err: error }, 'could not read the Redis version (INFO): not checked; support-chat needs Redis 7 or newer');
    return;
  }
  const version = redisVersion(info);
  const major = version === null ? NaN : Number.parseInt(version, 10);
  if (Number.isNaN(major) || major >= MINIMUM_REDIS_MAJOR) return;
  throw new RedisTooOldError(
    `Redis at ${redactUrl(url)} is version ${version}; support-chat needs Redis ${MINIMUM_REDIS_MAJOR} or newer (sharded pub/sub carries live events between processes)`,
  );
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
