/**
 * Starts the servers under test as child processes (so RSS and CPU are per server, and the bench's
 * clients do not share a core with them) and hands the client side a `Target`: where visitors and
 * agents connect. Driving clients never starts servers: a later `--nodes 2` (two product
 * processes on PostgreSQL + Redis, visitors on one, agents on the other) is one more start
 * function returning a Target with two processes and two URLs.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage } from './child-ipc.js';
import { cpuMs, cpuMsOfCommand, rssKb } from './proc-stats.js';

export interface ServerProcess {
  pid: number;
  rssKb(): number;
  cpuMs(): number;
  /** A full collection in the child (it runs with --expose-gc), before reading RSS; returns the heap in use then (KB). */
  gc(): Promise<number>;
  stop(): Promise<void>;
}

export interface Target {
  name: 'product' | 'raw';
  visitorUrl: string;
  agentUrl: string;
  processes: ServerProcess[];
  /** The services it relays through (their CPU is its cost too), by process command. */
  services: Partial<Record<ServiceName, string>>;
  stop(): Promise<void>;
}

/** The services a target may use, as their processes are named. */
export type ServiceName = 'postgres' | 'redis-server';

/** The child entries are bundled next to dist/bench.js (build.mjs). */
function entry(name: string): string {
  const file = fileURLToPath(new URL(`./${name}.js`, import.meta.url));
  if (!existsSync(file)) throw new Error(`${file} is missing: run the bench through \`npm run bench\`, which builds it.`);
  return file;
}

async function startChild(name: string, args: string[]): Promise<{ process: ServerProcess; port: number }> {
  const child: ChildProcess = fork(entry(name), args, {
    // RELAY_BENCH_CPU_PROF=DIR: each server writes a V8 CPU profile there when it stops (where the time goes).
    execArgv: ['--expose-gc', ...(process.env.RELAY_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.RELAY_BENCH_CPU_PROF}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T extends ChildMessage['type']>(type: T, timeoutMs: number) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: no ${type} within ${timeoutMs} ms`)), timeoutMs);
      const onExit = (code: number | null) => reject(new Error(`${name} exited with ${code} before ${type}`));
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const send = (message: ParentMessage) => child.send(message);
  const { port } = await next('ready', 60_000);
  const pid = child.pid!;
  return {
    port,
    process: {
      pid,
      rssKb: () => rssKb(pid),
      cpuMs: () => cpuMs(pid),
      async gc() {
        const done = next('gc-done', 10_000);
        send({ type: 'gc' });
        return (await done).heapKb;
      },
      async stop() {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        send({ type: 'stop' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      },
    },
  };
}

export async function startRawRelay(): Promise<Target> {
  const { process: server, port } = await startChild('bench-raw-relay', []);
  const url = `http://127.0.0.1:${port}`;
  return { name: 'raw', visitorUrl: url, agentUrl: url, processes: [server], services: {}, stop: () => server.stop() };
}

/** What `--nodes 2` runs on: one PostgreSQL schema and one Redis key prefix per run. */
export interface ScaleOut {
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  prefix: string;
}

/** Two (or more) processes: visitors connect to the first, agents to the last. */
function acrossNodes(name: Target['name'], started: { process: ServerProcess; port: number }[], services: Target['services']): Target {
  const url = (i: number) => `http://127.0.0.1:${started[i]!.port}`;
  return {
    name,
    visitorUrl: url(0),
    agentUrl: url(started.length - 1),
    processes: started.map((s) => s.process),
    services,
    stop: async () => {
      await Promise.all(started.map((s) => s.process.stop()));
    },
  };
}

/** The raw relay on `nodes` processes joined by the same Redis adapter as the product's. */
export async function startRawRelayNodes(nodes: number, { redisUrl, prefix }: ScaleOut): Promise<Target> {
  const started = [];
  for (let i = 0; i < nodes; i++) started.push(await startChild('bench-raw-relay', ['--redis-url', redisUrl, '--redis-prefix', `${prefix}raw:`]));
  return acrossNodes('raw', started, { 'redis-server': 'Redis' });
}

/** The product on `nodes` processes sharing PostgreSQL and Redis, as main.ts runs them. */
export async function startProductNodes(nodes: number, { databaseUrl, schema, redisUrl, prefix }: ScaleOut, agents: number): Promise<Target> {
  const started = [];
  for (let i = 0; i < nodes; i++) {
    started.push(
      await startChild('bench-product-server', [
        '--database-url', databaseUrl,
        '--schema', schema,
        '--redis-url', redisUrl,
        '--redis-prefix', `${prefix}product:`,
        '--node-id', `bench-node-${i}`,
        // The first node sets the site up (admin, agents, manual routing); the others join it.
        '--agents', String(i === 0 ? agents : 0),
      ]),
    );
  }
  return acrossNodes('product', started, { postgres: 'PostgreSQL', 'redis-server': 'Redis' });
}

/** A fresh temporary data directory on the real disk (fsync is part of what is measured). */
export function createDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'support-chat-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One product process on the SQLite file store in `dataDir` (fresh, or seeded by seed.ts), with `agents` bench agents. */
export async function startProduct({ dataDir, agents }: { dataDir: string; agents: number }): Promise<Target> {
  const { process: server, port } = await startChild('bench-product-server', ['--data-dir', dataDir, '--agents', String(agents)]);
  const url = `http://127.0.0.1:${port}`;
  return { name: 'product', visitorUrl: url, agentUrl: url, processes: [server], services: {}, stop: () => server.stop() };
}

/** Server CPU time and wall time of one measured phase, summed over the target's processes. */
export function cpuMeter(target: Target): () => { cpu_ms: number; cpu_pct: number } {
  const started = performance.now();
  const before = target.processes.map((p) => p.cpuMs());
  return () => {
    const cpu = target.processes.reduce((sum, p, i) => sum + p.cpuMs() - before[i]!, 0);
    return { cpu_ms: Math.round(cpu), cpu_pct: Math.round((cpu / (performance.now() - started)) * 100) };
  };
}

/**
 * CPU of the services the target relays through, by label (`PostgreSQL`: % of a core), over one
 * measured phase: every process of each service's command on this machine, whoever it serves (a
 * connection's backend that started meanwhile counts from zero, one that exited is lost). Empty
 * when the target uses none; null for a service with no process here (it runs elsewhere).
 */
export function servicesMeter(target: Target): () => Record<string, number | null> {
  const started = performance.now();
  const services = Object.entries(target.services) as [ServiceName, string][];
  const before = services.map(([command]) => cpuMsOfCommand(command));
  return () => {
    const wall = performance.now() - started;
    return Object.fromEntries(
      services.map(([command, label], i) => {
        const now = cpuMsOfCommand(command);
        let used = 0;
        for (const [process, ms] of now) used += ms - (before[i]!.get(process) ?? 0);
        return [label, now.size > 0 ? Math.round((used / wall) * 100) : null];
      }),
    );
  };
}

/**
 * Idle, as `quiesce` reads it: the target's processes under 5% of a core in all. A CPU profile's
 * sampler (RELAY_BENCH_CPU_PROF) keeps each idle process at ~5% by itself: every run waited a
 * minute in vain, so a profiled process may use 12%.
 */
const idlePct = (target: Target) => (process.env.RELAY_BENCH_CPU_PROF ? 12 * target.processes.length : 5);

/**
 * Waits until the target's processes are idle (`idlePct`, over 500 ms), at most `maxMs`:
 * a backlog one run left behind must not be measured in the next. False when it never settled.
 */
export async function quiesce(target: Target, maxMs = 60_000): Promise<boolean> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const meter = cpuMeter(target);
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (meter().cpu_pct < idlePct(target)) return true;
  }
  return false;
}
