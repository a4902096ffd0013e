/**
 * One site served by several processes (issue 10): real built servers on random ports sharing one
 * PostgreSQL schema and one Redis key prefix, real Socket.IO clients on different nodes, nodes
 * killed with SIGKILL as a crash would. Under CI=true a missing PostgreSQL or Redis fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import type { AgentConversation, AgentPresence, Availability, ChatMessage, VisitorConversation } from '@support-chat/shared';
import { Cluster, transcript } from './cluster.js';
import { createFakeOpenAI, type FakeOpenAI } from './fake-openai.js';
import { connected, data, nextEvent, type AgentClient, type VisitorClient } from './harness.js';
import { freePort, OwnRedis } from './own-redis.js';
import { postgresUnreachable, skipWithoutPostgres, TEST_DATABASE_URL } from './postgres.js';
import { redisUnreachable, skipWithoutRedis, TEST_REDIS_URL, testPrefixes } from './redis.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from './server-process.js';

const [pgDown, redisDown] = await Promise.all([postgresUnreachable(), redisUnreachable()]);
const skip = skipWithoutPostgres('multi-node integration', pgDown) || skipWithoutRedis('multi-node integration', redisDown);

const ADMIN = { email: 'admin@multi-node.example', password: 'admin-password-123' };
const QUESTION = 'How do I return an item?';
/** How long an agent's presence may outlive their killed node: the heartbeat TTL (6 s) plus a tick or two. */
const PRESENCE_EXPIRY_WAIT_MS = 15_000;

describe.skipIf(skip)('several server processes, one site', () => {
  const prefixes = testPrefixes();
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  let c: ServerProcess;
  let adminCookie: string;

  beforeAll(async () => {
    requireBuiltServer();
    cluster = await Cluster.create({ redisUrl: TEST_REDIS_URL, redisPrefix: prefixes.prefix(), env: { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password } });
    // Started together on an empty database, as `DATABASE_URL=… REDIS_URL=… npm start` on three
    // ports would be: every node must come up (migrations, the first admin), none may refuse.
    [a, b, c] = await Promise.all([cluster.start(), cluster.start(), cluster.start()]);
    adminCookie = await cluster.login(a, ADMIN.email, ADMIN.password);
    // Agents claim by hand here, so who handles what is the test's doing, not assignment's.
    await cluster.saveRouting(a, adminCookie, { assignment: 'manual' });
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await prefixes.dropAll();
  }, 30_000);

  const visitorOn = async (node: ServerProcess, token?: string) => {
    const socket = cluster.visitorSocket(node, token);
    await connected(socket);
    return socket;
  };
  const agentOn = async (node: ServerProcess, cookie: string) => {
    const socket = cluster.agentSocket(node, cookie);
    await connected(socket);
    return socket;
  };

  it('created the configured admin once although three nodes started at once', async () => {
    const agents = await cluster.store.listAgents();
    expect(agents.filter((agent) => agent.email === ADMIN.email)).toHaveLength(1);
  });

  /** A visitor on `visitorNode` asks for a person; an agent on `agentNode` sees it queued and claims it. */
  async function handOff(visitorNode: ServerProcess, agentNode: ServerProcess, name: string) {
    const { cookie } = await cluster.agent(name, agentNode);
    const agent = await agentOn(agentNode, cookie);
    const visitor = await visitorOn(visitorNode);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const queued = nextEvent<AgentConversation>(agent, 'conversation:updated', (conv) => conv.status === 'queued', 10_000);
    const sent = data(await visitor.emitWithAck('message:send', { clientId: `${name}-0001`, text: 'I want to talk to a person' }));
    const conversationId = sent.message.conversationId;
    expect((await queued).id).toBe(conversationId);

    const assignedForVisitor = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conv) => conv.status === 'assigned', 10_000);
    const claimed = data(await agent.emitWithAck('conversation:claim', { conversationId }));
    expect(claimed.conversation.status).toBe('assigned');
    await assignedForVisitor;
    data(await agent.emitWithAck('conversation:watch', { conversationId, afterSeq: 0 }));
    return { agent, visitor, conversationId };
  }

  /** Live both ways, each message once, in the order sent. */
  async function relay(agent: AgentClient, visitor: VisitorClient, conversationId: string) {
    const atAgent = nextEvent<ChatMessage>(agent, 'message:created', (m) => m.author === 'visitor' && m.text === 'Are you there?', 10_000);
    data(await visitor.emitWithAck('message:send', { clientId: 'relay-0001', text: 'Are you there?' }));
    expect((await atAgent).conversationId).toBe(conversationId);

    const atVisitor = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'agent', 10_000);
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'relay-0002', text: 'Yes, how can I help?' }));
    expect((await atVisitor).text).toBe('Yes, how can I help?');

    const messages = (await transcript(agent, conversationId)).filter((m) => m.kind === 'text');
    expect(messages.map((m) => [m.author, m.text])).toEqual([
      ['visitor', 'I want to talk to a person'],
      ['visitor', 'Are you there?'],
      ['agent', 'Yes, how can I help?'],
    ]);
  }

  it('relays live from a visitor on A to an agent on B, who claimed the hand-off, and back', async () => {
    const { agent, visitor, conversationId } = await handOff(a, b, 'Bea');
    await relay(agent, visitor, conversationId);
  });

  it('relays live from a visitor on B to an agent on A, and back', async () => {
    const { agent, visitor, conversationId } = await handOff(b, a, 'Abe');
    await relay(agent, visitor, conversationId);
  });

  it('lets exactly one of two agents on different nodes claim a conversation', async () => {
    const [first, second] = await Promise.all([cluster.agent('Ada', a), cluster.agent('Bob', b)]);
    const [onA, onB] = await Promise.all([agentOn(a, first.cookie), agentOn(b, second.cookie)]);
    const visitor = await visitorOn(c);
    const queued = nextEvent<AgentConversation>(onA, 'conversation:updated', (conv) => conv.status === 'queued', 10_000);
    const { message } = data(await visitor.emitWithAck('message:send', { clientId: 'race-0001', text: 'I want to talk to a person' }));
    await queued;
    const { conversationId } = message;

    const results = await Promise.all([onA.emitWithAck('conversation:claim', { conversationId }), onB.emitWithAck('conversation:claim', { conversationId })]);
    const winners = results.filter((r) => r.ok);
    expect(winners).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const winner = results[0]!.ok ? first : second;
    expect((await cluster.store.getConversation(conversationId))?.assignedAgentId).toBe(winner.id);
    const assignedEvents = (await transcript(onA, conversationId)).filter((m) => m.kind === 'event' && m.event?.type === 'assigned');
    expect(assignedEvents).toHaveLength(1);
  });

  it("shows an agent's presence on every node, and drops it once their node is killed", async () => {
    const d = await cluster.start();
    const observer = await agentOn(a, (await cluster.agent('Watcher', a)).cookie);
    const roaming = await cluster.agent('Dora', d);
    const online = nextEvent<AgentPresence>(observer, 'presence:changed', (p) => p.agentId === roaming.id && p.status === 'online', 10_000);
    await agentOn(d, roaming.cookie);
    await online;
    for (const node of [b, c]) {
      const lister = await agentOn(node, (await cluster.agent('Lister', node)).cookie);
      const { agents } = data(await lister.emitWithAck('team:list', {}));
      expect(agents.find((p) => p.agentId === roaming.id)?.status).toBe('online');
    }

    // No clean disconnect: the node dies with the socket, and only its heartbeat's expiry tells.
    const offline = nextEvent<AgentPresence>(observer, 'presence:changed', (p) => p.agentId === roaming.id && p.status === 'offline', PRESENCE_EXPIRY_WAIT_MS);
    await d.kill('SIGKILL');
    await offline;
    const lister = await agentOn(b, (await cluster.agent('Lister', b)).cookie);
    const { agents } = data(await lister.emitWithAck('team:list', {}));
    expect(agents.find((p) => p.agentId === roaming.id)?.status).toBe('offline');
  }, 30_000);

  it("tells every visitor of a change in availability once, and every agent of a teammate's load, whichever node made it or they are on", async () => {
    const visitors = await Promise.all([a, b, c].map((node) => visitorOn(node)));
    const observers = await Promise.all([a, b, c].map(async (node) => agentOn(node, (await cluster.agent('Observer', node)).cookie)));
    const heard = { availability: visitors.map(() => [] as Availability[]), presence: observers.map(() => [] as AgentPresence[]) };
    visitors.forEach((v, i) => v.on('availability:changed', (change) => heard.availability[i]!.push(change)));
    observers.forEach((o, i) => o.on('presence:changed', (change) => heard.presence[i]!.push(change)));
    const settle = async (done: () => boolean) => {
      await expect.poll(done, { timeout: 10_000 }).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1500)); // copies from other nodes would have come by now
    };

    // An agent comes online on C: one availability change for each visitor, on every node; every
    // console hears the newcomer.
    const newcomer = await cluster.agent('Newcomer', c);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the observers' own arrival, told
    [...heard.presence, ...heard.availability].forEach((list) => (list.length = 0));
    const newcomerSocket = await agentOn(c, newcomer.cookie);
    await settle(() => heard.presence.every((list) => list.some((p) => p.agentId === newcomer.id)) && heard.availability.every((list) => list.length > 0));
    expect(heard.availability.map((list) => list.length)).toEqual([1, 1, 1]);

    // The newcomer claims a visitor on C: consoles on A and B see their load at once.
    const visitor = await visitorOn(a);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    data(await newcomerSocket.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    await settle(() => heard.presence.every((list) => list.some((p) => p.agentId === newcomer.id && p.openConversations === 1)));

    // The admin sets business hours on A, closed now: visitors on B and C hear it at once, not at
    // their node's next look (30 s).
    const before = heard.availability.map((list) => list.length);
    const tomorrow = (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[(new Date().getUTCDay() + 1) % 7]!;
    await cluster.saveRouting(a, adminCookie, { businessHours: { timeZone: 'UTC', days: { [tomorrow]: [['09:00', '17:00']] } } });
    try {
      await settle(() => heard.availability.every((list, n) => list.length > before[n]!));
      expect(heard.availability.map((list, n) => list.length - before[n]!)).toEqual([1, 1, 1]);
      expect(heard.availability.map((list) => list.at(-1)!.acceptingChats)).toEqual([false, false, false]);
    } finally {
      await cluster.saveRouting(a, adminCookie, { businessHours: null });
    }
  }, 40_000);

  it('runs the disconnect grace on another node when the node that started it was killed', async () => {
    // Long enough that the node is surely killed before the grace is due (the kill follows at
    // once once the timer is seen in Redis), short enough for a test.
    const graceSeconds = 3;
    await cluster.saveRouting(a, adminCookie, { disconnectGraceSeconds: graceSeconds });
    const d = await cluster.start();
    const { agent, visitor, conversationId } = await handOff(a, d, 'Leif');
    const leif = (await cluster.store.getConversation(conversationId))!.assignedAgentId!;
    const requeued = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (conv) => conv.status === 'queued', 20_000);
    let dDead = false;

    agent.disconnect();
    await waitForTimer(`grace:${leif}`);
    await d.kill('SIGKILL');
    dDead = true;
    const back = await requeued;
    expect(dDead).toBe(true);
    expect(back.status).toBe('queued');
    const stored = await cluster.store.getConversation(conversationId);
    expect(stored).toMatchObject({ status: 'queued', assignedAgentId: null });
    await cluster.saveRouting(a, adminCookie, { disconnectGraceSeconds: 60 });
  }, 40_000);

  /** Waits until the shared timer `key` is set in Redis (a node set it). */
  async function waitForTimer(key: string): Promise<void> {
    const client = createClient({ url: TEST_REDIS_URL });
    await client.connect();
    try {
      const timers = `${cluster.redisPrefix}timers`;
      for (let i = 0; i < 200; i++) {
        if ((await client.zScore(timers, key)) !== null) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`timer ${key} was never set`);
    } finally {
      await client.close();
    }
  }
});

describe.skipIf(skip)('an answer streaming on a node that is killed', () => {
  const prefixes = testPrefixes();
  let fake: FakeOpenAI;
  let cluster: Cluster;

  beforeAll(async () => {
    requireBuiltServer();
    fake = await createFakeOpenAI();
    cluster = await Cluster.create({
      redisUrl: TEST_REDIS_URL,
      redisPrefix: prefixes.prefix(),
      env: { OPENAI_API_KEY: 'test-key', OPENAI_BASE_URL: fake.baseURL, OPENAI_MODEL: 'fake-model' },
    });
  });

  afterAll(async () => {
    await cluster?.close();
    await fake?.close();
    await prefixes.dropAll();
  }, 30_000);

  it('arrives from another node, exactly once', async () => {
    const ANSWER = 'Start a return from My account, then Orders, within 30 days of delivery [1].';
    const [e, f] = await Promise.all([cluster.start(), cluster.start()]);
    const watcher = cluster.agentSocket(f, (await cluster.agent('Wendy', f)).cookie);
    await connected(watcher);

    const asker = cluster.visitorSocket(e);
    await connected(asker);
    const { token } = data(await asker.emitWithAck('conversation:resume', { afterSeq: 0 }));
    fake.reply({ text: ANSWER, chunkSize: 2, delayMs: 200 }); // some 8 s of streaming
    const streaming = nextEvent(asker, 'ai:token', () => true, 10_000);
    const { message: question } = data(await asker.emitWithAck('message:send', { clientId: 'cut-0001', text: QUESTION }));
    await streaming;
    // The agent on f watches the conversation: the tokens e streams reach f through Redis.
    const { messages: before } = data(await watcher.emitWithAck('conversation:watch', { conversationId: question.conversationId, afterSeq: 0 }));
    expect(before.map((m) => m.author)).toEqual(['visitor']);
    const answersAtWatcher: ChatMessage[] = [];
    watcher.on('message:created', (m) => {
      if (m.author === 'ai') answersAtWatcher.push(m);
    });

    fake.reply({ text: ANSWER });
    await e.kill('SIGKILL');
    // The visitor's page reconnects, to the node that is left.
    const back = cluster.visitorSocket(f, token);
    await connected(back);
    // e's answer lease (15 s) has to lapse first, then a sweeper (every 5 s) picks the question up.
    const answered = nextEvent<ChatMessage>(back, 'message:created', (m) => m.author === 'ai', 45_000);
    const resumed = data(await back.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const early = resumed.messages.filter((m) => m.author === 'ai');
    const answer = early[0] ?? (await answered);
    expect(answer.text).toBe(ANSWER);

    const all = await transcript(watcher, question.conversationId);
    expect(all.filter((m) => m.kind === 'text').map((m) => [m.author, m.text])).toEqual([
      ['visitor', QUESTION],
      ['ai', ANSWER],
    ]);
    expect(answersAtWatcher.map((m) => m.id)).toEqual([answer.id]);
    expect(fake.chatRequests()).toHaveLength(2);
  }, 90_000);
});

describe.skipIf(skip)('a process whose PostgreSQL cannot be used', () => {
  it('refuses to start saying so, for DATABASE_URL', async () => {
    requireBuiltServer();
    const closed = await freePort();
    const url = new URL(TEST_DATABASE_URL);
    const refusal = (databaseUrl: string) =>
      startServerProcess({ DATABASE_URL: databaseUrl, REDIS_URL: TEST_REDIS_URL, KNOWLEDGE_WATCH: 'false' }).then(
        async (node) => {
          await node.kill('SIGKILL');
          return 'started';
        },
        (error: Error) => error.message,
      );
    const unreachable = await refusal(`postgres://postgres@127.0.0.1:${closed}/test`);
    expect(unreachable).toContain(`support-chat: PostgreSQL at postgres://postgres@127.0.0.1:${closed}/test (DATABASE_URL) cannot be used`);
    expect(unreachable).toContain('ECONNREFUSED');
    expect(unreachable).not.toMatch(/^\s+at /m); // the setting, not a stack
    url.pathname = '/no_such_database_for_support_chat';
    expect(await refusal(url.toString())).toMatch(/DATABASE_URL\) cannot be used: database "no_such_database_for_support_chat" does not exist/);
  });
});

describe.skipIf(skip)('while Redis is away', () => {
  const prefixes = testPrefixes();
  let redis: OwnRedis;
  let cluster: Cluster;

  beforeAll(async () => {
    requireBuiltServer();
    redis = await OwnRedis.onFreePort();
    await redis.start();
    cluster = await Cluster.create({ redisUrl: redis.url, redisPrefix: prefixes.prefix() });
  });

  afterAll(async () => {
    // Up, for the cluster's clean-up of its keys, had the test stopped while Redis was away.
    if (redis && !redis.running) await redis.start();
    await cluster?.close();
    await redis?.kill();
  }, 30_000);

  // The README's trade-off: with Redis down, messages are still stored and acknowledged; only what
  // crosses processes (live events, presence elsewhere, timers, assignment) waits for it.
  it('still lets a visitor resume, write and be answered by the AI on their node', async () => {
    const [g, h] = await Promise.all([cluster.start(), cluster.start()]);
    const onG = cluster.agentSocket(g, (await cluster.agent('Gus', g)).cookie);
    const onH = cluster.agentSocket(h, (await cluster.agent('Hana', h)).cookie);
    await Promise.all([connected(onG), connected(onH)]);
    const earlier = cluster.visitorSocket(g);
    await connected(earlier);
    const before = data(await earlier.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(before.availability.agentsOnline).toBe(2);
    const first = nextEvent<ChatMessage>(earlier, 'message:created', (m) => m.author === 'ai', 10_000);
    data(await earlier.emitWithAck('message:send', { clientId: 'away-0001', text: QUESTION }));
    await first;
    earlier.disconnect();

    await redis.kill();
    // Still ready for the load balancer: Redis is every node's, no reason to pull this one.
    await expect.poll(async () => ((await (await fetch(`${g.url}/readyz`)).json()) as { data: { status: string } }).data.status, { timeout: 5000 }).toBe('degraded');
    const ready = await fetch(`${g.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ data: { status: 'degraded', services: { store: 'ok', redis: 'down' } } });

    // A reload of that visitor: their history is there, and a person is on this node.
    const reloaded = cluster.visitorSocket(g, before.token);
    await connected(reloaded);
    const resumed = data(await reloaded.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.messages.map((m) => m.text)).toContain(QUESTION);
    expect(resumed.availability).toMatchObject({ agentsOnline: 1, acceptingChats: true });
    // A new visitor asks: stored, acknowledged and answered once, by this node's AI.
    const newcomer = cluster.visitorSocket(g);
    await connected(newcomer);
    data(await newcomer.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const answer = nextEvent<ChatMessage>(newcomer, 'message:created', (m) => m.author === 'ai', 10_000);
    const sent = data(await newcomer.emitWithAck('message:send', { clientId: 'away-0002', text: QUESTION }));
    expect((await answer).text.length).toBeGreaterThan(0);
    const stored = await cluster.store.listMessages(sent.message.conversationId, { afterSeq: 0 });
    expect(stored.filter((m) => m.author === 'ai')).toHaveLength(1);

    // Redis is back (empty: it kept nothing): each node writes its agents back, and both count again.
    await redis.start();
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { availability } = data(await newcomer.emitWithAck('conversation:resume', { afterSeq: 0 }));
      if (availability.agentsOnline === 2) break;
      if (Date.now() > deadline) throw new Error(`presence did not come back: ${availability.agentsOnline} agents online`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 60_000);

  it('stores, acknowledges and answers while Redis hangs without closing its connections, and comes back', async () => {
    const m = await cluster.start();
    const visitor = cluster.visitorSocket(m);
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    redis.pause(); // a paused process: the kernel keeps every connection open, nothing answers
    try {
      // Within the hang watch (a PING unanswered for 6 s): acknowledged, answered, and a new
      // visitor is told whether a person can chat, instead of waiting for ever.
      const answer = nextEvent<ChatMessage>(visitor, 'message:created', (msg) => msg.author === 'ai', 15_000);
      const sent = data(await visitor.emitWithAck('message:send', { clientId: 'hang-0001', text: QUESTION }));
      expect(sent.message.text).toBe(QUESTION);
      await answer;
      const newcomer = cluster.visitorSocket(m);
      await connected(newcomer);
      expect(data(await newcomer.emitWithAck('conversation:resume', { afterSeq: 0 })).availability).toMatchObject({ agentsOnline: 0 });
    } finally {
      redis.resume();
    }
    // Redis answers again: the node uses it again (its health says so).
    await expect.poll(async () => ((await (await fetch(`${m.url}/readyz`)).json()) as { data: { services: { redis: string } } }).data.services.redis, { timeout: 15_000, interval: 250 }).toBe('ok');
  }, 60_000);

  it('stops on SIGTERM while Redis is away, at once and cleanly (a rolling restart during an outage)', async () => {
    const n = await cluster.start();
    const agent = cluster.agentSocket(n, (await cluster.agent('Noa', n)).cookie);
    const visitor = cluster.visitorSocket(n);
    await Promise.all([connected(agent), connected(visitor)]);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    await redis.kill();
    try {
      // Every connection to Redis is reconnecting: node-redis's close() waited for ever for them.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const exited = new Promise<number | null>((resolve) => n.child.once('exit', (code) => resolve(code)));
      n.child.kill('SIGTERM');
      // Before, it never exited: this test's timeout.
      expect(await exited).toBe(0);
    } finally {
      agent.close();
      visitor.close();
      await redis.start();
    }
  }, 40_000);

  it('runs the disconnect grace although Redis restarted empty while it was waiting', async () => {
    const k = await cluster.start();
    const admin = await cluster.agent('Ida', k, 'admin');
    await cluster.saveRouting(k, admin.cookie, { assignment: 'manual', disconnectGraceSeconds: 3 });
    const jo = cluster.agentSocket(k, (await cluster.agent('Jo', k)).cookie);
    await connected(jo);
    const visitor = cluster.visitorSocket(k);
    await connected(visitor);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    data(await jo.emitWithAck('conversation:claim', { conversationId: conversation.id }));

    // Jo leaves; their grace is a timer in Redis, which restarts empty (no persistence) before it is due.
    jo.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.kill();
    await redis.start();
    // Looked for again once every process has had time to write its agents back (8 s), then the grace (3 s).
    await expect.poll(async () => (await cluster.store.getConversation(conversation.id))?.status, { timeout: 30_000, interval: 250 }).toBe('queued');
  }, 50_000);
});
