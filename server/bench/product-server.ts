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
import { BENCH_ADMIN_EMAIL, BENCH_PASSWORD, benchAgentEmail } from './relay/bench-accounts.js';
import { serveParent } from './relay/child-ipc.js';

// Bundled as server/dist/bench-product-server.js, or run from server/bench: the repo is two up.
const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

const { values } = parseArgs({
  options: { 'data-dir': { type: 'string' }, agents: { type: 'string', default: '0' } },
});
if (!values['data-dir']) throw new Error('--data-dir is required');

const store = SqliteStore.open(values['data-dir']);
await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), assignment: 'manual' });
await createAgent(store, { email: BENCH_ADMIN_EMAIL, password: BENCH_PASSWORD, name: 'Bench admin', role: 'admin' });
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
    demoDir: path.join(REPO_ROOT, 'examples', 'demo'),
    trustProxy: false,
  },
  store,
  responder: createOfflineResponder({ retriever: createKnowledgeIndex(entries) }),
  helpArticles: () => entries,
  logger: createLogger('warn'),
  limits: createMemoryRateLimits({ visitorMessagesPerMinute: 1e9, socketEventsPer10s: 1e9 }),
});
const { port } = await server.listen(0, '127.0.0.1');
serveParent(port, async () => {
  await server.close();
  await store.close();
});
