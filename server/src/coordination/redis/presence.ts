import { rareWarning, type Logger } from '../../logger.js';
import type { ChosenStatus, Presence, PresenceEntry } from '../types.js';
import { Script, type RedisClient } from './client.js';

/*
 * Keys, all under the prefix:
 *   node:<nodeId>          heartbeat, PX ttl: the node is alive while it exists
 *   nodes                  set of node ids that may hold entries (what the reaper walks)
 *   sockets:<agentId>      hash, field `<nodeId>|<socketId>` = connected-at (ms)
 *   agents                 set of agent ids that have fields in `sockets:`
 *   node-agents:<nodeId>   set of agent ids with a socket on that node (what a reap removes)
 *   status                 hash, agent id = the status they chose (kept across reconnects)
 * Channel `presence`: { from, agents } after every change, so other nodes re-read presence.
 */

/** Whether the node owning a `<nodeId>|<socketId>` field is alive (cached per script run). */
const LUA_ALIVE = `
local alive = {}
local function live(prefix, field)
  local node = string.match(field, '^([^|]*)|')
  if not node then return false end
  if alive[node] == nil then alive[node] = redis.call('EXISTS', prefix .. 'node:' .. node) == 1 end
  return alive[node]
end`;

/** Removes every field of `node`; returns the agents it had. */
const LUA_DROP_NODE = `
local function drop(prefix, node)
  local concerned = {}
  local owned = prefix .. 'node-agents:' .. node
  for _, agent in ipairs(redis.call('SMEMBERS', owned)) do
    local sockets = prefix .. 'sockets:' .. agent
    for _, field in ipairs(redis.call('HKEYS', sockets)) do
      if string.sub(field, 1, #node + 1) == node .. '|' then redis.call('HDEL', sockets, field) end
    end
    if redis.call('HLEN', sockets) == 0 then redis.call('SREM', prefix .. 'agents', agent) end
    table.insert(concerned, agent)
  end
  redis.call('DEL', owned)
  return concerned
end`;

// ARGV: prefix, agentId, field, connectedAt, nodeId. Returns the agent's live fields before this one.
const CONNECT = new Script(`${LUA_ALIVE}
local prefix, agent, field = ARGV[1], ARGV[2], ARGV[3]
local sockets = prefix .. 'sockets:' .. agent
local before = 0
for _, f in ipairs(redis.call('HKEYS', sockets)) do
  if f ~= field and live(prefix, f) then before = before + 1 end
end
redis.call('HSET', sockets, field, ARGV[4])
redis.call('SADD', prefix .. 'agents', agent)
redis.call('SADD', prefix .. 'node-agents:' .. ARGV[5], agent)
return before`);

// ARGV: prefix, agentId, field, nodeId. Returns the live fields left, or -1 when `field` was unknown.
const DISCONNECT = new Script(`${LUA_ALIVE}
local prefix, agent, field, node = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local sockets = prefix .. 'sockets:' .. agent
if redis.call('HDEL', sockets, field) == 0 then return -1 end
local left, mine = 0, 0
for _, f in ipairs(redis.call('HKEYS', sockets)) do
  if string.sub(f, 1, #node + 1) == node .. '|' then mine = mine + 1 end
  if live(prefix, f) then left = left + 1 end
end
if mine == 0 then redis.call('SREM', prefix .. 'node-agents:' .. node, agent) end
if redis.call('HLEN', sockets) == 0 then redis.call('SREM', prefix .. 'agents', agent) end
return left`);

// ARGV: prefix. Returns [agentId, status, connectedSince, …] for agents with a live field.
const CONNECTED = new Script(`${LUA_ALIVE}
local prefix = ARGV[1]
local out = {}
for _, agent in ipairs(redis.call('SMEMBERS', prefix .. 'agents')) do
  local fields = redis.call('HGETALL', prefix .. 'sockets:' .. agent)
  local since = nil
  for i = 1, #fields, 2 do
    if live(prefix, fields[i]) then
      local at = tonumber(fields[i + 1])
      if since == nil or at < since then since = at end
    end
  end
  if since ~= nil then
    table.insert(out, agent)
    table.insert(out, redis.call('HGET', prefix .. 'status', agent) or 'online')
    table.insert(out, tostring(since))
  end
end
return out`);

// ARGV: prefix, nodeId, ttlMs. Returns 1 when the heartbeat was still there (0: expired or Redis lost it).
const HEARTBEAT = new Script(`
local key = ARGV[1] .. 'node:' .. ARGV[2]
local existed = redis.call('EXISTS', key)
redis.call('SET', key, '1', 'PX', ARGV[3])
redis.call('SADD', ARGV[1] .. 'nodes', ARGV[2])
return existed`);

// ARGV: prefix. Drops the entries of every node whose heartbeat expired; returns the agents concerned.
const REAP = new Script(`${LUA_DROP_NODE}
local prefix = ARGV[1]
local concerned = {}
for _, node in ipairs(redis.call('SMEMBERS', prefix .. 'nodes')) do
  if redis.call('EXISTS', prefix .. 'node:' .. node) == 0 then
    for _, agent in ipairs(drop(prefix, node)) do table.insert(concerned, agent) end
    redis.call('SREM', prefix .. 'nodes', node)
  end
end
return concerned`);

// ARGV: prefix, nodeId, count, then count × (agentId, socketId, connectedAt), then (agentId, status) pairs.
// Replaces this node's entries with what it knows it holds (after an outage, a Redis restart, or a
// pause long enough for the others to reap it). Statuses are only filled in where Redis lost them.
const RESYNC = new Script(`${LUA_DROP_NODE}
local prefix, node, count = ARGV[1], ARGV[2], tonumber(ARGV[3])
local concerned = drop(prefix, node)
for i = 0, count - 1 do
  local agent = ARGV[4 + i * 3]
  redis.call('HSET', prefix .. 'sockets:' .. agent, node .. '|' .. ARGV[5 + i * 3], ARGV[6 + i * 3])
  redis.call('SADD', prefix .. 'agents', agent)
  redis.call('SADD', prefix .. 'node-agents:' .. node, agent)
  table.insert(concerned, agent)
end
for i = 4 + count * 3, #ARGV, 2 do redis.call('HSETNX', prefix .. 'status', ARGV[i], ARGV[i + 1]) end
return concerned`);

export interface RedisPresenceOptions {
  prefix: string;
  nodeId: string;
  heartbeatMs?: number;
  /** How long a node counts as alive after its last heartbeat. */
  ttlMs?: number;
  logger?: Logger;
}

interface LocalAgent {
  sockets: Map<string, number>;
  status?: ChosenStatus;
}

/**
 * Presence shared by every node (SCALE-OUT.md, "What moves"): an agent is online while a socket of
 * theirs is held by a node whose heartbeat has not expired, so "online" never outlives the node.
 * Every node reaps dead nodes' entries and tells the others; each node also keeps what it holds
 * itself, and writes it back whenever Redis may have lost it.
 */
export class RedisPresence implements Presence {
  private readonly listeners = new Set<(agentIds: string[]) => void>();
  private readonly local = new Map<string, LocalAgent>();
  private readonly channel: string;
  private beat: NodeJS.Timeout | null = null;
  private beating = false;
  private closed = false;
  /** Each connected agent's status at the last read of Redis (`localView`). */
  private readonly lastStatuses = new Map<string, ChosenStatus>();
  private readonly warnOutage: (error: unknown) => void;

  private constructor(
    private readonly client: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly options: Required<Omit<RedisPresenceOptions, 'logger'>> & { logger?: Logger },
  ) {
    this.channel = `${options.prefix}presence`;
    const { logger } = options;
    this.warnOutage = logger ? rareWarning(logger, 'presence: Redis is unreachable, so only the agents of this process count as connected') : () => undefined;
  }

  /** `client` runs commands, `subscriber` is given over to pub/sub; the caller closes both after `close()`. */
  static async start(client: RedisClient, subscriber: RedisClient, options: RedisPresenceOptions): Promise<RedisPresence> {
    if (options.nodeId.includes('|')) throw new Error(`A node id cannot contain "|": ${options.nodeId}`);
    const presence = new RedisPresence(client, subscriber, { heartbeatMs: 2000, ttlMs: 6000, ...options });
    await subscriber.subscribe(presence.channel, (message) => presence.heard(message));
    // A subscriber that was away may have missed changes: listeners re-read presence.
    subscriber.on('ready', () => presence.notify([]));
    client.on('ready', () => presence.track(presence.resync()));
    await presence.tick();
    presence.beat = setInterval(() => presence.track(presence.tick()), presence.options.heartbeatMs);
    presence.beat.unref();
    return presence;
  }

  async connect(agentId: string, socketId: string, now: number): Promise<{ first: boolean }> {
    const mine = this.local.get(agentId) ?? { sockets: new Map<string, number>() };
    mine.sockets.set(socketId, now);
    this.local.set(agentId, mine);
    const { prefix, nodeId } = this.options;
    const before = await CONNECT.run(this.client, [], [prefix, agentId, this.field(socketId), now, nodeId]);
    this.publish([agentId]);
    return { first: before === 0 };
  }

  async disconnect(agentId: string, socketId: string): Promise<{ last: boolean }> {
    const mine = this.local.get(agentId);
    mine?.sockets.delete(socketId);
    if (mine?.sockets.size === 0) this.local.delete(agentId);
    const { prefix, nodeId } = this.options;
    const left = await DISCONNECT.run(this.client, [], [prefix, agentId, this.field(socketId), nodeId]);
    if (left === -1) return { last: false };
    this.publish([agentId]);
    return { last: left === 0 };
  }

  async setStatus(agentId: string, status: ChosenStatus): Promise<void> {
    const mine = this.local.get(agentId);
    if (mine) mine.status = status;
    await this.client.hSet(`${this.options.prefix}status`, agentId, status);
    this.publish([agentId]);
  }

  async connected(): Promise<ReadonlyMap<string, PresenceEntry>> {
    let flat: string[];
    try {
      flat = (await CONNECTED.run(this.client, [], [this.options.prefix])) as string[];
    } catch (error) {
      // A failure while connected is not an outage: it is reported as it is.
      if (this.client.isReady) throw error;
      return this.localView(error);
    }
    const entries = new Map<string, PresenceEntry>();
    this.lastStatuses.clear();
    for (let i = 0; i + 2 < flat.length; i += 3) {
      const status = flat[i + 1] as ChosenStatus;
      entries.set(flat[i]!, { status, connectedSince: Number(flat[i + 2]) });
      this.lastStatuses.set(flat[i]!, status);
    }
    return entries;
  }

  /**
   * While Redis is away: the agents connected to this node, with the status they chose here or as
   * Redis last said. A visitor on this node is still told whether a person can chat (their resume
   * does not fail), the team list shows who this node knows of, and no agent of another node is
   * guessed online; live events between nodes pause anyway until Redis is back.
   */
  private localView(error: unknown): Map<string, PresenceEntry> {
    this.warnOutage(error);
    const entries = new Map<string, PresenceEntry>();
    for (const [agentId, mine] of this.local) {
      const status = mine.status ?? this.lastStatuses.get(agentId) ?? 'online';
      entries.set(agentId, { status, connectedSince: Math.min(...mine.sockets.values()) });
    }
    return entries;
  }

  onRemoteChange(listener: (agentIds: string[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the heartbeat and, when Redis is reachable, removes this node's entries at once. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.beat) clearInterval(this.beat);
    this.beat = null;
    if (!this.client.isReady) return;
    const { prefix, nodeId } = this.options;
    const concerned = (await RESYNC.run(this.client, [], [prefix, nodeId, 0])) as string[];
    await Promise.all([this.client.del(`${prefix}node:${nodeId}`), this.client.sRem(`${prefix}nodes`, nodeId)]);
    if (concerned.length > 0) this.publish(concerned);
  }

  private field(socketId: string): string {
    return `${this.options.nodeId}|${socketId}`;
  }

  /** Heartbeat, then the reaper: every node reaps, whichever finds a dead node first removes it. */
  private async tick(): Promise<void> {
    if (this.beating || this.closed || !this.client.isReady) return;
    this.beating = true;
    try {
      const { prefix, nodeId, ttlMs } = this.options;
      const existed = await HEARTBEAT.run(this.client, [], [prefix, nodeId, ttlMs]);
      if (existed === 0 && this.local.size > 0) await this.resync();
      const reaped = (await REAP.run(this.client, [], [prefix])) as string[];
      if (reaped.length > 0) {
        this.notify(reaped);
        this.publish(reaped);
      }
    } finally {
      this.beating = false;
    }
  }

  private async resync(): Promise<void> {
    if (this.closed) return;
    const { prefix, nodeId, ttlMs } = this.options;
    await HEARTBEAT.run(this.client, [], [prefix, nodeId, ttlMs]);
    const sockets: (string | number)[] = [];
    const statuses: string[] = [];
    for (const [agentId, mine] of this.local) {
      for (const [socketId, since] of mine.sockets) sockets.push(agentId, socketId, since);
      if (mine.status) statuses.push(agentId, mine.status);
    }
    const concerned = (await RESYNC.run(this.client, [], [prefix, nodeId, sockets.length / 3, ...sockets, ...statuses])) as string[];
    if (concerned.length > 0) this.publish([...new Set(concerned)]);
  }

  private publish(agentIds: string[]): void {
    if (!this.client.isReady) return;
    const message = JSON.stringify({ from: this.options.nodeId, agents: agentIds });
    this.track(this.client.publish(this.channel, message));
  }

  private heard(message: string): void {
    const parsed = JSON.parse(message) as { from?: unknown; agents?: unknown };
    if (parsed.from === this.options.nodeId || !Array.isArray(parsed.agents)) return;
    this.notify(parsed.agents.filter((a): a is string => typeof a === 'string'));
  }

  private notify(agentIds: string[]): void {
    if (this.closed) return;
    for (const listener of this.listeners) listener(agentIds);
  }

  private track(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.options.logger?.warn({ err: error }, 'presence: Redis call failed'));
  }
}
