/**
 * `npm run bench -- relay [--json] [--seed] [--pairs N] [--agents N] [--seconds S] [--only a,b] [--rates R,R] [--idle N,N]`
 *
 * The chat path of issue 9, measured from outside: the product (bench/product-server.ts) beside a
 * raw Socket.IO relay (bench/raw-relay.ts), each in its own child process, driven by the same
 * clients in this process, in the same run (the machine is noisy: ratios count). Never a timed
 * test. Each pair has its own agent socket unless `--agents` is lower (pair i is served by agent
 * i mod N): the product tells every online agent about every message. Parts (`--only`): visitorToAgent, agentToVisitor (closed loop and fixed rates), offline
 * (AI answers at 50 and 200 visitors), idle (RSS per idle visitor), seed (with --seed: chat p99 on
 * a store of 10k conversations / 100k messages while an admin reads reports and searches).
 * Progress goes to stderr; the table to stdout; with --json the last stdout line is the results.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startAdminLoad, type AdminTimes } from './relay/admin-load.js';
import { disconnectPairs, droppedSockets, setupPairs, skippedAgentFrames, type Pair } from './relay/clients.js';
import { closedLoop, fixedRate, type Direction } from './relay/drive.js';
import { idleRss, type IdleRss } from './relay/idle-rss.js';
import { offlineAnswers } from './relay/offline-answers.js';
import { commitMs } from './relay/disk-probe.js';
import { answerableQuestions } from './relay/questions.js';
import { goals, table, type Cost, type DirectionResults, type RelayResults, type Twin } from './relay/report.js';
import { seedStore } from './relay/seed.js';
import { TEST_DATABASE_URL, testSchemas } from '../test/postgres.js';
import { TEST_REDIS_URL, testPrefixes } from '../test/redis.js';
import {
  cpuMeter,
  servicesMeter,
  createDataDir,
  quiesce,
  startProduct,
  startProductNodes,
  startRawRelay,
  startRawRelayNodes,
  type ScaleOut,
  type Target,
} from './relay/servers.js';

/** The steady rate of the seeded runs: the 'busy site' row. */
const SEEDED_RATE = 500;

const PARTS = ['visitorToAgent', 'agentToVisitor', 'offline', 'idle', 'seed'] as const;
type Part = (typeof PARTS)[number];

const log = (line: string) => process.stderr.write(`relay: ${line}\n`);
const list = (value: string) => value.split(',').map((s) => Number(s.trim())).filter((x) => x > 0);

/** Runs `run` and adds what the target's processes and this client spent meanwhile. */
async function measured<T>(target: Target, run: () => Promise<T>, others: readonly Target[] = []): Promise<T & Cost> {
  // Every server idle first: a backlog left by the last run (of either target) would flood this one.
  for (const t of new Set([target, ...others])) {
    if (!(await quiesce(t))) log(`${t.name} was still busy a minute after the last run`);
  }
  const drops = droppedSockets();
  const server = cpuMeter(target);
  const services = servicesMeter(target);
  const client = process.cpuUsage();
  const skipped = skippedAgentFrames();
  const started = performance.now();
  const result = await run();
  const wall = performance.now() - started;
  const { user, system } = process.cpuUsage(client);
  const { cpu_ms, cpu_pct } = server();
  return {
    ...result,
    server_cpu_ms: cpu_ms,
    server_cpu_pct: cpu_pct,
    services_cpu_pct: services(),
    client_cpu_pct: Math.round(((user + system) / 1000 / wall) * 100),
    skipped_frames: skippedAgentFrames() - skipped,
    dropped_sockets: Object.fromEntries(
      Object.entries(droppedSockets())
        .map(([key, count]) => [key, count - (drops[key] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    ),
  };
}

interface Chat {
  target: Target;
  pairs: Pair[];
}

async function chatRuns(chats: readonly Chat[], direction: Direction, seconds: number, rates: readonly number[]): Promise<DirectionResults> {
  const twin = async <T>(run: (chat: Chat) => Promise<T>) => {
    const out: Partial<Record<Target['name'], T & Cost>> = {};
    const all = chats.map((c) => c.target);
    for (const chat of chats) out[chat.target.name] = await measured(chat.target, () => run(chat), all);
    return out as Twin<T>;
  };
  for (const chat of chats) await closedLoop(chat.pairs, direction, Math.min(2, seconds)); // warm-up (JIT)
  log(`${direction}: closed loop`);
  const results: DirectionResults = { closed: await twin((chat) => closedLoop(chat.pairs, direction, seconds)) };
  for (const rate of rates) {
    log(`${direction}: ${rate} msg/s`);
    results[`rate${rate}`] = await twin((chat) => fixedRate(chat.pairs, direction, rate, seconds));
  }
  return results;
}

/** The two targets of one run, raw first, and what removes what they stored. */
interface Targets {
  targets: [Target, Target];
  remove(): Promise<void>;
}

/** One process each: the product on a fresh SQLite file. */
async function oneProcess(agents: number): Promise<Targets> {
  const data = createDataDir();
  return {
    targets: [await startRawRelay(), await startProduct({ dataDir: data.dir, agents })],
    remove: async () => data.remove(),
  };
}

/**
 * `--nodes N` (issue 10): the product on N processes sharing PostgreSQL and Redis (visitors on the
 * first, agents on the last), beside the raw relay on N processes with the same Redis adapter.
 * A fresh schema and key prefix per run, removed at the end (the machine's services, as tests use them).
 */
async function manyProcesses(nodes: number, agents: number): Promise<Targets> {
  const schemas = testSchemas();
  const prefixes = testPrefixes();
  const shared: ScaleOut = { databaseUrl: TEST_DATABASE_URL, schema: schemas.schema(), redisUrl: TEST_REDIS_URL, prefix: prefixes.prefix() };
  return {
    targets: [await startRawRelayNodes(nodes, shared), await startProductNodes(nodes, shared, agents)],
    remove: async () => {
      await schemas.dropAll();
      await prefixes.dropAll();
    },
  };
}

async function chatAndAnswers(
  results: RelayResults,
  parts: Set<Part>,
  options: { pairs: number; agents: number; seconds: number; rates: number[]; answerVisitors: number[] },
  questions: string[],
  start: () => Promise<Targets>,
): Promise<void> {
  const { targets, remove } = await start();
  try {
    const chats: Chat[] = [];
    if (parts.has('visitorToAgent') || parts.has('agentToVisitor')) {
      for (const target of targets) {
        log(`${target.name}: connecting ${options.pairs} pairs, ${options.agents} agents`);
        chats.push({ target, pairs: await setupPairs(target, { count: options.pairs, agents: options.agents, questions }) });
      }
      for (const direction of ['visitorToAgent', 'agentToVisitor'] as const) {
        if (parts.has(direction)) results[direction] = await chatRuns(chats, direction, options.seconds, options.rates);
      }
      for (const chat of chats) disconnectPairs(chat.pairs);
    }
    if (parts.has('offline')) {
      const product = targets[1]!;
      await offlineAnswers(product, 20, Math.min(2, options.seconds), questions); // warm-up (JIT)
      const runs = [];
      for (const visitors of options.answerVisitors) {
        log(`offline answers: ${visitors} visitors`);
        runs.push(await measured(product, () => offlineAnswers(product, visitors, options.seconds, questions)));
      }
      const last = runs[runs.length - 1]!;
      results.offlineAnswers = { per_s: last.per_s, p50_ms: last.p50_ms, p99_ms: last.p99_ms, runs };
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await remove();
  }
}

/** Fresh processes: what a visitor costs, not what earlier runs left in the heap. */
async function idle(results: RelayResults, counts: number[]): Promise<void> {
  const data = createDataDir();
  const byTarget: Record<string, IdleRss[]> = {};
  for (const start of [startRawRelay, () => startProduct({ dataDir: data.dir, agents: 0 })]) {
    const target = await start();
    try {
      log(`${target.name}: idle visitors ${counts.join(', ')}`);
      byTarget[target.name] = await idleRss(target, counts);
    } finally {
      await target.stop();
    }
  }
  data.remove();
  const runs = byTarget.product!.map((p, i) => {
    const raw = byTarget.raw![i]!;
    return { visitors: p.visitors, product: p.kb_per_visitor, raw: raw.kb_per_visitor, heap: { product: p.heap_kb_per_visitor, raw: raw.heap_kb_per_visitor } };
  });
  const largest = runs[runs.length - 1]!;
  results.idleRssKb = { product: largest.product, raw: largest.raw, runs };
}

async function seeded(results: RelayResults, options: { pairs: number; agents: number; seconds: number }, questions: string[]): Promise<void> {
  const conversations = 10_000;
  const data = createDataDir();
  log(`seeding ${conversations} conversations through the store`);
  const { messages, ms } = await seedStore(data.dir, conversations, questions);
  const product = await startProduct({ dataDir: data.dir, agents: options.agents });
  try {
    const pairs = await setupPairs(product, { count: options.pairs, agents: options.agents, questions });
    const seconds = Math.max(options.seconds, 6); // a few admin rounds at least
    await closedLoop(pairs, 'visitorToAgent', 2); // warm-up (JIT)
    log('seeded: chat alone');
    const alone = await measured(product, () => closedLoop(pairs, 'visitorToAgent', seconds));
    log('seeded: chat while an admin reads reports and searches');
    const withAdmin = async <T>(run: () => Promise<T>): Promise<{ run: T; admin: AdminTimes }> => {
      const admin = await startAdminLoad(product);
      const result = await run();
      return { run: result, admin: await admin.stop() };
    };
    const busy = await measured(product, () => withAdmin(() => closedLoop(pairs, 'visitorToAgent', seconds)));
    // At a closed loop the CPUs are saturated, so any work at all lengthens the queue; a busy
    // site's steady rate shows whether a report *blocks* a chat.
    const rateSeconds = Math.max(seconds, 9);
    log(`seeded: chat at ${SEEDED_RATE} msg/s alone`);
    const rateAlone = await measured(product, () => fixedRate(pairs, 'visitorToAgent', SEEDED_RATE, rateSeconds));
    log(`seeded: chat at ${SEEDED_RATE} msg/s while an admin reads reports and searches`);
    const rateBusy = await measured(product, () => withAdmin(() => fixedRate(pairs, 'visitorToAgent', SEEDED_RATE, rateSeconds)));
    disconnectPairs(pairs);
    const { run: busyRun, admin: busyAdmin, ...busyCost } = busy;
    const { run: rateRun, admin: rateAdmin, ...rateCost } = rateBusy;
    results.seed = {
      conversations,
      messages,
      seed_ms: ms,
      chat_alone: alone,
      chat_with_admin: { ...busyRun, ...busyCost },
      admin: busyAdmin,
      rate_alone: rateAlone,
      rate_with_admin: { ...rateRun, ...rateCost },
      rate_admin: rateAdmin,
    };
  } finally {
    await product.stop();
    data.remove();
  }
}

export async function relayBench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      seed: { type: 'boolean', default: false },
      pairs: { type: 'string', default: '200' },
      agents: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      only: { type: 'string' },
      rates: { type: 'string', default: '2000,500' },
      idle: { type: 'string', default: '1000,5000' },
      'answer-visitors': { type: 'string', default: '50,200' },
      nodes: { type: 'string', default: '1' },
    },
  });
  const nodes = Math.max(1, Number(values.nodes));
  const requested = values.only ? values.only.split(',').map((s) => s.trim()) : PARTS.filter((p) => p !== 'seed' || values.seed);
  const unknown = requested.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`unknown part ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  const parts = new Set(requested as Part[]);
  const options = {
    pairs: Number(values.pairs),
    agents: Math.min(Number(values.agents ?? values.pairs), Number(values.pairs)),
    seconds: Number(values.seconds),
    rates: list(values.rates),
    answerVisitors: list(values['answer-visitors']),
  };
  const results: RelayResults = {
    meta: { pairs: options.pairs, agents: options.agents, seconds: options.seconds, cores: availableParallelism(), loadavg: loadavg(), node: process.versions.node, started: new Date().toISOString() },
  };
  const probe = () => {
    const dir = createDataDir();
    try {
      return commitMs(dir.dir);
    } finally {
      dir.remove();
    }
  };
  const commitBefore = probe();
  const questions = await answerableQuestions();
  if (nodes > 1) {
    // Across processes: the chat paths (offline answers, idle memory and the seeded store are
    // measured on one process).
    for (const part of ['offline', 'idle', 'seed'] as const) parts.delete(part);
    results.meta.nodes = nodes;
    await chatAndAnswers(results, parts, options, questions, () => manyProcesses(nodes, options.agents));
  } else {
    if (parts.has('visitorToAgent') || parts.has('agentToVisitor') || parts.has('offline')) {
      await chatAndAnswers(results, parts, options, questions, () => oneProcess(options.agents));
    }
    if (parts.has('idle')) await idle(results, list(values.idle));
    if (parts.has('seed')) await seeded(results, options, questions);
  }
  results.meta.fsync_commit_ms = { before: commitBefore, after: probe() };
  results.goals = goals(results);
  process.stdout.write(`${table(results)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);
}
