/**
 * Classic vs sharded Socket.IO Redis adapter, on loopback, bounded (about 30 s). Never in `npm test`.
 *   npx esbuild server/bench/redis-adapter.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=server/dist/bench-redis-adapter.js && node server/dist/bench-redis-adapter.js
 * NODES (4) Socket.IO servers in this process, each with its own adapter connections: the first emits
 * to rooms whose sockets are spread over the others, as a node emits to a visitor's room or a
 * watched conversation held elsewhere. Our rooms are small (one or two sockets), and many.
 * ROOMS, MESSAGES, RATE (msg/s; closed loop when unset) are environment variables.
 * Reports delivered msg/s, latency, this process's CPU and redis-server's CPU per message.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { attachRedisAdapter, type RedisAdapterMode } from '../src/realtime/redis-adapter.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROOMS = Number(process.env.ROOMS ?? 400);
const MESSAGES = Number(process.env.MESSAGES ?? 20_000);
const IN_FLIGHT = 400;
const NODES = Number(process.env.NODES ?? 4);
/** Messages per second, or closed loop (at most IN_FLIGHT undelivered) when unset. */
const RATE = Number(process.env.RATE ?? 0);

async function redisCpuMs(): Promise<number> {
  const client = createClient({ url });
  await client.connect();
  const info = await client.info('cpu');
  await client.close();
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

async function run(mode: RedisAdapterMode) {
  const prefix = `bench:${randomBytes(4).toString('hex')}:`;
  const nodes = await Promise.all(
    Array.from({ length: NODES }, async () => {
      const httpServer = http.createServer();
      const io = new Server(httpServer, { transports: ['websocket'] });
      const close = await attachRedisAdapter(io, { url, prefix, mode });
      io.on('connection', (socket) => void socket.join(String(socket.handshake.query.room)));
      await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
      return { io, close, port: (httpServer.address() as AddressInfo).port };
    }),
  );
  const a = nodes[0]!;
  const latencies: number[] = [];
  let received = 0;
  let wake: (() => void) | null = null;
  const sockets: Socket[] = await Promise.all(
    Array.from({ length: ROOMS }, (_, i) => {
      const socket = connect(`http://127.0.0.1:${nodes[1 + (i % (NODES - 1))]!.port}`, { transports: ['websocket'], query: { room: `room:${i}` } });
      socket.on('m', (sentAt: number) => {
        latencies.push(performance.now() - sentAt);
        received++;
        wake?.();
      });
      return new Promise<Socket>((resolve) => socket.once('connect', () => resolve(socket)));
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 300)); // subscriptions settle
  const text = 'x'.repeat(200);
  const cpu0 = process.cpuUsage();
  const redis0 = await redisCpuMs();
  const started = performance.now();
  for (let sent = 0; sent < MESSAGES; sent++) {
    if (RATE) {
      const due = started + (sent / RATE) * 1000;
      if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
    } else {
      while (sent - received >= IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
    }
    a.io.to(`room:${sent % ROOMS}`).emit('m', performance.now(), text);
    if (!RATE && sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  while (received < MESSAGES) await new Promise<void>((resolve) => (wake = resolve));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const redisMs = (await redisCpuMs()) - redis0;
  for (const socket of sockets) socket.close();
  for (const node of nodes) {
    await new Promise<void>((resolve) => node.io.close(() => resolve()));
    await node.close();
  }
  latencies.sort((x, y) => x - y);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
  return {
    mode,
    msgPerSec: MESSAGES / seconds,
    p50: pct(50),
    p99: pct(99),
    nodeCpuUsPerMsg: ((cpu.user + cpu.system) / MESSAGES),
    redisCpuUsPerMsg: (redisMs * 1000) / MESSAGES,
  };
}

const results = [];
for (const mode of ['classic', 'sharded', 'classic', 'sharded'] as const) results.push(await run(mode));
console.log(`${ROOMS} rooms on ${NODES - 1} nodes, ${MESSAGES} messages emitted on another node, ${RATE ? `${RATE} msg/s` : `closed loop, ${IN_FLIGHT} in flight`}`);
for (const r of results) {
  console.log(
    `  ${r.mode.padEnd(8)} ${Math.round(r.msgPerSec).toString().padStart(6)} msg/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `this process ${r.nodeCpuUsPerMsg.toFixed(0)} µs CPU/msg  redis-server ${r.redisCpuUsPerMsg.toFixed(1)} µs CPU/msg`,
  );
}
