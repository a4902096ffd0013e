/**
 * examples/multi-node as an operator runs it: three built server processes on the machine's
 * PostgreSQL and Redis behind a private nginx with the README's config (start.mjs), and every
 * client talking to nginx only. What it proves about the config: WebSocket upgrades pass, the
 * console's cookie login and its Origin check work through the proxy, and HTTP long-polling works
 * because the upstream is sticky (without stickiness its second request would get HTTP 400
 * "Session ID unknown" from another process).
 *
 * nginx hashes the client address. Every loopback address 127.x.y.z reaches this machine, so the
 * test gives its clients different source addresses, picked so that the visitor and the agent
 * land on different processes: their chat also crosses the Redis adapter.
 */
import http from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, type ChatMessage, type VisitorConversation } from '@support-chat/shared';
import { connected, data, nextEvent, type AgentClient, type VisitorClient } from '../../server/test/harness.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from '../../server/test/postgres.js';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from '../../server/test/redis.js';
import { requireBuiltServer } from '../../server/test/server-process.js';
import { PostgresStore } from '../../server/src/store/postgres-store.js';
import { findNginx, startMultiNode, type MultiNode } from './start.mjs';

const SUITE = 'examples/multi-node (nginx + 3 processes)';
const ADMIN = { email: 'admin@example.com', password: 'password-123' };

const nginx = findNginx();
const pgDown = await postgresUnreachable();
const redisDown = await redisUnreachable();

/** Elsewhere a missing piece skips with one loud line; under CI=true beforeAll fails instead. */
function skipSuite(): boolean {
  if (process.env.CI === 'true') return false;
  if (!nginx) {
    console.warn(`⚠ SKIPPED ${SUITE}: nginx is not installed (apt-get install nginx). CI=true makes this a failure.`);
    return true;
  }
  return skipWithoutPostgres(SUITE, pgDown) || skipWithoutRedis(SUITE, redisDown);
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request from a chosen loopback source address (fetch cannot pick one). */
function request(url: string, from: string, init: { method?: string; body?: unknown } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = http.request(
      url,
      {
        method: init.method ?? 'GET',
        localAddress: from,
        timeout: 5000,
        headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Through nginx and three processes, an event may take longer than in-process tests allow. */
const WAIT_MS = 10_000;

describe.skipIf(skipSuite())(SUITE, () => {
  const schemas = testSchemas();
  const prefixes = testPrefixes();
  const sockets: Socket[] = [];
  let site: MultiNode | undefined;
  let output = '';
  /** Source addresses by the process nginx sends them to (its X-Upstream header). */
  const addressFor = new Map<string, string>();

  /** A socket.io client that reaches nginx from `from`, on the given transports. */
  const client = <S extends Socket>(namespace: string, from: string, options: { transports: ('websocket' | 'polling')[]; headers?: Record<string, string> }): S => {
    const socket = io(`${site!.url}${namespace}`, {
      transports: options.transports,
      extraHeaders: options.headers,
      forceNew: true,
      reconnection: false,
      // Both transports pass `agent` to Node's HTTP stack (ws for the upgrade, the XHR shim for
      // polling); it carries the source address. The typings only know the browser's string form.
      agent: new http.Agent({ localAddress: from }) as unknown as string,
    }) as S;
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    if (!nginx) throw new Error('nginx is not installed (apt-get install nginx); CI=true requires it');
    if (pgDown) throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${pgDown})`);
    if (redisDown) throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable (${redisDown})`);
    requireBuiltServer();

    // A schema of its own, named in the connection's startup options: the README's recipe for
    // sharing one database (main.ts takes DATABASE_URL only). Opening a store creates and
    // migrates it, so the processes find it ready.
    const schema = schemas.schema();
    await (await PostgresStore.open(TEST_DATABASE_URL, { schema, max: 1 })).close();
    const databaseUrl = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;

    const started = Date.now();
    site = await startMultiNode({
      databaseUrl,
      redisUrl: TEST_REDIS_URL,
      listenPort: 0,
      nodePorts: [0, 0, 0],
      env: {
        REDIS_PREFIX: prefixes.prefix(),
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        LOG_LEVEL: 'warn',
        OPENAI_API_KEY: '', // the offline responder: no network
        KNOWLEDGE_WATCH: 'false',
      },
      onOutput: (line) => (output += `${line}\n`),
    });
    console.info(`${SUITE}: started in ${Date.now() - started} ms`);

    // Which process each source address reaches. 30 addresses over three processes: all three
    // are hit unless the hash is badly skewed, and two distinct ones are all the test needs.
    for (let i = 2; i < 32 && addressFor.size < 3; i++) {
      const from = `127.0.0.${i}`;
      const reply = await request(`${site.url}/healthz`, from);
      const upstream = String(reply.headers['x-upstream']);
      if (!addressFor.has(upstream)) addressFor.set(upstream, from);
    }
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await site?.stop();
    if (!pgDown) await schemas.dropAll();
    if (!redisDown) await prefixes.dropAll();
  }, 60_000);

  it('answers /healthz through nginx, and spreads client addresses over the processes', async () => {
    const reply = await request(`${site!.url}/healthz`, '127.0.0.1');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ ok: true, data: { status: 'ok' } });
    expect(site!.nodes.map((n) => n.replace('http://', ''))).toContain(reply.headers['x-upstream']);
    // The same address always reaches the same process (what long-polling needs).
    const again = await request(`${site!.url}/healthz`, '127.0.0.1');
    expect(again.headers['x-upstream']).toBe(reply.headers['x-upstream']);
    expect(addressFor.size, `the hash sent 30 addresses to ${[...addressFor.keys()].join(', ')}`).toBeGreaterThanOrEqual(2);
  });

  it('a WebSocket visitor and an agent (cookie login, then /agent) on different processes chat both ways', async () => {
    const [visitorFrom, agentFrom] = [...addressFor.values()];

    const login = await request(`${site!.url}/api/auth/login`, agentFrom!, { method: 'POST', body: ADMIN });
    expect(login.status, login.body).toBe(200);
    const cookie = String(login.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);

    // A browser sends its Origin: the /agent socket accepts it only if nginx passed the Host
    // with its port ($http_host), as the template does.
    const agent = client<AgentClient>('/agent', agentFrom!, { transports: ['websocket'], headers: { cookie, origin: site!.url } });
    await connected(agent);
    const visitor = client<VisitorClient>('/visitor', visitorFrom!, { transports: ['websocket'] });
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));

    // Asking for a person queues the conversation; with one agent online it is assigned to them.
    const assigned = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (c) => c.status === 'assigned', WAIT_MS);
    const sent = data(await visitor.emitWithAck('message:send', { clientId: 'visitor-0001', text: 'I want to talk to a person' }));
    const conversationId = sent.message.conversationId;
    expect((await assigned).agentName).toBe('Admin');
    data(await agent.emitWithAck('conversation:watch', { conversationId }));

    const toVisitor = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'agent', WAIT_MS);
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'agent-0001', text: 'Hello from the console' }));
    expect((await toVisitor).text).toBe('Hello from the console');

    const toAgent = nextEvent<ChatMessage>(agent, 'message:created', (m) => m.author === 'visitor' && m.clientId === 'visitor-0002', WAIT_MS);
    data(await visitor.emitWithAck('message:send', { clientId: 'visitor-0002', text: 'Thanks, from the widget' }));
    expect((await toAgent).text).toBe('Thanks, from the widget');
  });

  it('a visitor on HTTP long-polling only chats through the sticky upstream', async () => {
    const from = [...addressFor.values()].at(-1)!;
    const visitor = client<VisitorClient>('/visitor', from, { transports: ['polling'] });
    await connected(visitor);
    expect(visitor.io.engine.transport.name).toBe('polling');
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));

    // Each exchange is several HTTP requests (a POST per packet sent, a GET held for each one
    // received), all of which must reach the process holding the session.
    for (const [n, text] of ['How do I return an item?', 'How long does shipping take?'].entries()) {
      const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai', WAIT_MS);
      const sent = data(await visitor.emitWithAck('message:send', { clientId: `poll-000${n + 1}`, text }));
      expect(sent.message.text).toBe(text);
      expect((await answer).seq).toBeGreaterThan(sent.message.seq);
    }
    expect(visitor.connected).toBe(true);
    expect(visitor.io.engine.transport.name).toBe('polling');
  });

  it('sends the clients of a stopped process to another one (the first step of a rolling restart)', async () => {
    const [upstream, from] = [...addressFor.entries()][0]!;
    const stopped = site!.processes.find((p) => p.label.endsWith(`:${upstream.split(':')[1]}`))!;
    await new Promise<void>((resolve) => {
      stopped.child.once('exit', () => resolve());
      stopped.child.kill('SIGTERM'); // drains (nothing under way here) and exits
    });
    // nginx finds it refusing connections and passes the request on: $upstream_addr lists every
    // process tried, the one that answered last. Then (max_fails=1) it skips the stopped one for
    // fail_timeout (2 s: a process back from its restart is used again soon), and the address
    // sticks to the same new process.
    const moved = await request(`${site!.url}/healthz`, from);
    expect(moved.status).toBe(200);
    const tried = String(moved.headers['x-upstream']).split(', ');
    const answered = tried.at(-1)!;
    expect(answered).not.toBe(upstream);
    const again = await request(`${site!.url}/healthz`, from);
    expect(again.status).toBe(200);
    expect(String(again.headers['x-upstream']).split(', ').at(-1)).toBe(answered);
  });
});
