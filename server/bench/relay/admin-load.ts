/**
 * An admin at work beside the chats (`--seed`): every 1.5 s, the reports, the knowledge gaps, the
 * inbox and a text search, one after another, each timed from the client.
 */
import { HTTP_ROUTES } from '@support-chat/shared';
import { connectAgent, connected, data, login, type AgentSocket } from './clients.js';
import { BENCH_ADMIN_EMAIL } from './bench-accounts.js';
import type { Target } from './servers.js';
import { latency, type Latency } from './stats.js';

export type AdminTimes = Record<'reports' | 'gaps' | 'inbox' | 'search', Latency & { max_ms: number }>;

const EVERY_MS = 1500;

export async function startAdminLoad(target: Target): Promise<{ stop: () => Promise<AdminTimes> }> {
  const cookie = await login(target, BENCH_ADMIN_EMAIL);
  const socket: AgentSocket = connectAgent(target, { cookie });
  await connected(socket);
  const times = { reports: [] as number[], gaps: [] as number[], inbox: [] as number[], search: [] as number[] };
  const timed = async (name: keyof typeof times, request: () => Promise<unknown>) => {
    const started = performance.now();
    await request();
    times[name].push(performance.now() - started);
  };
  const get = async (route: string) => {
    const response = await fetch(`${target.agentUrl}${route}`, { headers: { cookie } });
    if (response.status !== 200) throw new Error(`GET ${route}: ${response.status}`);
    await response.arrayBuffer();
  };
  let running = true;
  const loop = (async () => {
    while (running) {
      const round = performance.now();
      await timed('reports', () => get(HTTP_ROUTES.adminReports));
      await timed('gaps', () => get(`${HTTP_ROUTES.adminKnowledge}/gaps`));
      await timed('inbox', async () => data(socket.emitWithAck('inbox:list', {}), 30_000));
      await timed('search', async () => data(socket.emitWithAck('inbox:search', { query: 'refund' }), 30_000));
      const wait = EVERY_MS - (performance.now() - round);
      if (running && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      socket.disconnect();
      const summary = (samples: number[]) => ({ ...latency(samples), max_ms: Math.round(Math.max(0, ...samples) * 100) / 100 });
      return { reports: summary(times.reports), gaps: summary(times.gaps), inbox: summary(times.inbox), search: summary(times.search) };
    },
  };
}
