/**
 * The product as `npm run bench -- relay` measures it, run as a child process so its RSS and CPU
 * are its own: `createServer` with the real SQLite file store in `--data-dir` (every acked write
 * on disk, as in production), the offline responder over the demo knowledge, and rate limits raised so the
 * stack itself is measured, not the limiter. Creates an admin and `--agents` agents (one password
 * hash for all: scrypt is setup, not the chat path) and manual assignment, so the bench decides
 * who claims what.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createServer } from '../src/app.js';
import { createOfflineResponder } from '../src/ai/offline-responder.js';
import { createAgent } from '../src/auth/agents.js';
import { hashPassword } from '../src/auth/passwords.js';
import { createKnowledgeIndex } from '../src/knowledge/bm25-index.js';
import { loadKnowledgeDir } from '../src/knowledge/markdown-source.js';
import { createLogger } from '../src/logger.js';
import { createMemoryRateLimits } from '../src/realtime/rate-limits.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { Store } from '../src/store/types.js';
import { createRedisCoordination } from '../src/coordination/redis/index.js';
import { attachRedisAdapter } from '../src/realtime/redis-adapter.js';
import { createRedisRateLimits } from '../src/realtime/redis-rate-limits.js';
import { BENCH_ADMIN_EMAIL, BENCH_PASSWORD, benchAgentEmail } from './relay/bench-accounts.js';
import { serveParent } from './relay/child-ipc.js';

// Bundled as server/dist/bench-product-server.js, or run from server/bench: the repo is two up.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    agents: { type: 'string', default: '0' },
    // Scale-out (`--nodes 2`): PostgreSQL + Redis, as main.ts runs many processes.
    'database-url': { type: 'string' },
    schema: { type: 'string' },
    'redis-url': { type: 'string' },
    'redis-prefix': { type: 'string' },
    'node-id': { type: 'string', default: 'bench-node' },
  },
});
const scaleOut = values['database-url'] && values['redis-url'] ? { databaseUrl: values['database-url'], redisUrl: values['redis-url'], prefix: values['redis-prefix'] ?? 'support-chat-bench:' } : null;
if (!scaleOut && !values['data-dir']) throw new Error('--data-dir (or --database-url and --redis-url) is required');

const logger = createLogger('warn');
const raisedLimits = {
  visitorMessagesPerMinute: 1e9,
  socketEventsPer10s: 1e9,
  // Every simulated visitor comes from loopback: one address, far past any real one's limits.
  connectionsPerAddressPerMinute: 1e9,
  openSocketsPerAddress: 1e9,
  newVisitorsPerAddressPerHour: 1e9,
  conversationsPerAddressPerHour: 1e9,
  conversationsPerVisitorPerHour: 1e9,
};
// RELAY_BENCH_WRITER=loop|thread: where the SQLite store runs its writes, to measure one against
// the other (write-thread.ts); unset, the default.
const writer = process.env.RELAY_BENCH_WRITER;
const store: Store = scaleOut
  ? await PostgresStore.open(scaleOut.databaseUrl, values.schema ? { schema: values.schema } : {})
  : SqliteStore.open(values['data-dir']!, writer === 'loop' || writer === 'thread' ? { writer } : {});
const coordination = scaleOut ? await createRedisCoordination({ url: scaleOut.redisUrl, prefix: scaleOut.prefix, nodeId: values['node-id'], logger }) : undefined;
const limits = scaleOut ? await createRedisRateLimits({ url: scaleOut.redisUrl, prefix: scaleOut.prefix, logger, ...raisedLimits }) : createMemoryRateLimits(raisedLimits);
// Only the first node of a scale-out run sets the site up.
const setUp = Number(values.agents) > 0 || !scaleOut;
if (setUp) {
  await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), assignment: 'manual' });
  await createAgent(store, { email: BENCH_ADMIN_EMAIL, password: BENCH_PASSWORD, name: 'Bench admin', role: 'admin' });
}
const passwordHash = await hashPassword(BENCH_PASSWORD);
for (let i = 0; i < Number(values.agents); i++) {
  await store.createAgent({
    id: `bench-agent-${i}`,
    email: benchAgentEmail(i),
    name: `Agent ${i}`,
    role: 'agent',
    passwordHash,
    createdAt: Date.now(),
    capacity: 100,
  });
}

const { entries } = await loadKnowledgeDir(path.join(REPO_ROOT, 'examples', 'knowledge'));
const server = await createServer({
  config: {
    allowedOrigins: '*',
    widgetDistDir: path.join(REPO_ROOT, 'widget', 'dist'),
    consoleDistDir: path.join(REPO_ROOT, 'console', 'dist'),
    demoDir: path.join(REPO_ROOT, 'examples', 'demo'),
    trustProxy: false,
  },
  store,
  responder: createOfflineResponder({ retriever: createKnowledgeIndex(entries) }),
  helpArticles: () => entries,
  logger,
  limits,
  ...(coordination ? { coordination } : {}),
  ...(scaleOut ? { attachAdapter: (io: Parameters<typeof attachRedisAdapter>[0]) => attachRedisAdapter(io, { url: scaleOut.redisUrl, prefix: scaleOut.prefix, logger }) } : {}),
});
const { port } = await server.listen(0, '127.0.0.1');
serveParent(port, async () => {
  await server.close();
  await coordination?.close();
  if ('close' in limits && typeof limits.close === 'function') await limits.close();
  await store.close();
});
