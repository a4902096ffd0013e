/**
 * Several built server processes serving one site, for the multi-node and chaos tests (issue 10):
 * one PostgreSQL schema and one Redis key prefix of their own, dropped at the end. Nodes are the
 * real `server/dist/main.js` on port 0, so a test can kill -9 and restart them like an operator.
 */
import { io } from 'socket.io-client';
import { createClient } from 'redis';
import { SESSION_COOKIE, type ChatMessage, type RoutingSettings } from '@support-chat/shared';
import { createAgent } from '../src/auth/agents.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { AgentClient, VisitorClient } from './harness.js';
import { data } from './harness.js';
import { TEST_DATABASE_URL, testSchemas } from './postgres.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

export const SITE_SECRET = 'multi-node-test-secret-'.padEnd(48, 'x');
const PASSWORD = 'password-123';

export interface ClusterOptions {
  redisUrl: string;
  /** Every Redis key of the site starts with it. */
  redisPrefix: string;
  /** Environment every node gets on top of the site's (e.g. a model endpoint). */
  env?: Record<string, string>;
}

export interface Agent {
  id: string;
  email: string;
  cookie: string;
}

export class Cluster {
  readonly nodes = new Set<ServerProcess>();
  private readonly sockets = new Set<{ disconnect(): unknown }>();
  private agentCount = 0;

  private constructor(
    readonly schema: string,
    readonly databaseUrl: string,
    /** The test's own connection to the site's data, to create agents and read what was stored. */
    readonly store: PostgresStore,
    private readonly options: ClusterOptions,
    private readonly dropSchemas: () => Promise<void>,
  ) {}

  /**
   * A fresh schema, created (and migrated) here once, so nodes starting together find it ready.
   * The nodes reach it through DATABASE_URL's `options=-c search_path=…`, as an operator sharing a
   * database between sites would: PostgresStore needs no schema setting of its own for that.
   */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const schemas = testSchemas();
    const schema = schemas.schema();
    const store = await PostgresStore.open(TEST_DATABASE_URL, { schema, max: 4 });
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return new Cluster(schema, url.toString(), store, options, () => schemas.dropAll());
  }

  get redisPrefix(): string {
    return this.options.redisPrefix;
  }

  async start(env: Record<string, string> = {}): Promise<ServerProcess> {
    const node = await startServerProcess({
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.options.redisUrl,
      REDIS_PREFIX: this.options.redisPrefix,
      // Visitor tokens signed by one node are read by the others.
      SECRET: SITE_SECRET,
      KNOWLEDGE_WATCH: 'false',
      // Every client of the suite comes from loopback, one address standing for many people, and
      // reconnects after every drop: the per-address connection limit is not what is tested here.
      LIMIT_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '100000',
      ...this.options.env,
      ...env,
    });
    this.nodes.add(node);
    node.child.once('exit', (code, signal) => {
      this.nodes.delete(node);
      // Only the test kills nodes (SIGKILL, SIGTERM): any other exit is a crash worth reading.
      if (signal === null && code !== 0) console.warn(`a node exited by itself (code ${code}):\n${node.output().slice(-4000)}`);
    });
    return node;
  }

  async createAgent(name: string, role: 'admin' | 'agent' = 'agent', capacity?: number): Promise<{ id: string; email: string }> {
    const email = `${name.toLowerCase()}-${++this.agentCount}@example.com`;
    const agent = await createAgent(this.store, { email, password: PASSWORD, name, role, capacity });
    return { id: agent.id, email };
  }

  /** Logs in over HTTP on `node`: sessions are in the shared store, so the cookie works on every node. */
  async login(node: ServerProcess, email: string, password = PASSWORD): Promise<string> {
    const response = await fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
    const cookie = response.headers.get('set-cookie')?.split(';')[0];
    if (!cookie?.startsWith(`${SESSION_COOKIE}=`)) throw new Error('no session cookie');
    return cookie;
  }

  async agent(name: string, node: ServerProcess, role: 'admin' | 'agent' = 'agent'): Promise<Agent> {
    const { id, email } = await this.createAgent(name, role);
    return { id, email, cookie: await this.login(node, email) };
  }

  async saveRouting(node: ServerProcess, adminCookie: string, changes: Partial<RoutingSettings>): Promise<void> {
    const current = await this.store.getRoutingSettings();
    const response = await fetch(`${node.url}/api/admin/settings/routing`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: adminCookie },
      body: JSON.stringify({ ...current, ...changes }),
    });
    if (response.status !== 200) throw new Error(`saving routing settings failed: ${response.status} ${await response.text()}`);
  }

  visitorSocket(node: ServerProcess, token?: string): VisitorClient {
    const socket: VisitorClient = io(`${node.url}/visitor`, { auth: token ? { token } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
    this.sockets.add(socket);
    return socket;
  }

  agentSocket(node: ServerProcess, cookie: string): AgentClient {
    const socket: AgentClient = io(`${node.url}/agent`, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
    this.sockets.add(socket);
    return socket;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.disconnect();
    this.sockets.clear();
    await Promise.all([...this.nodes].map((node) => node.kill()));
    await this.store.close();
    await this.dropSchemas();
    await deleteRedisKeys(this.options.redisUrl, this.options.redisPrefix);
  }
}

export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const client = createClient({ url });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    await client.close();
  }
}

/** Every message of a conversation, notes included, as an agent's `conversation:watch` pages it. */
export async function transcript(agent: AgentClient, conversationId: string): Promise<ChatMessage[]> {
  const all: ChatMessage[] = [];
  for (;;) {
    const { messages } = data(await agent.emitWithAck('conversation:watch', { conversationId, afterSeq: all.at(-1)?.seq ?? 0 }));
    if (messages.length === 0) return all;
    all.push(...messages);
  }
}
