/**
 * Memory per idle visitor: (RSS after − RSS before) / N of the server process(es), each read after
 * a full GC in the child, with N connected `/visitor` sockets that send nothing (a widget before
 * its first message is a connected socket).
 */
import { connected, connectVisitor, type VisitorSocket } from './clients.js';
import { inBatches } from './in-batches.js';
import type { Target } from './servers.js';

export interface IdleRss {
  visitors: number;
  kb_per_visitor: number;
  /**
   * The same from V8's heap in use (+ buffers): RSS moves in whole pages, and a process that
   * already holds free heap (the product, after loading its knowledge) grows its RSS less for the
   * same objects, so this is the fairer comparison of what a connection costs.
   */
  heap_kb_per_visitor: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function settled(target: Target): Promise<{ rss: number; heap: number }> {
  await sleep(1000);
  const heaps = await Promise.all(target.processes.map((p) => p.gc()));
  return { rss: target.processes.reduce((sum, p) => sum + p.rssKb(), 0), heap: heaps.reduce((a, b) => a + b, 0) };
}

const perVisitor = (after: number, before: number, count: number) => Math.round(((after - before) / count) * 10) / 10;

export async function idleRss(target: Target, counts: readonly number[]): Promise<IdleRss[]> {
  const sockets: VisitorSocket[] = [];
  const results: IdleRss[] = [];
  const before = await settled(target);
  try {
    for (const count of [...counts].sort((a, b) => a - b)) {
      const added = await inBatches(count - sockets.length, 50, async () => {
        const socket = connectVisitor(target);
        await connected(socket);
        return socket;
      });
      sockets.push(...added);
      const after = await settled(target);
      results.push({
        visitors: count,
        kb_per_visitor: perVisitor(after.rss, before.rss, count),
        heap_kb_per_visitor: perVisitor(after.heap, before.heap, count),
      });
    }
  } finally {
    for (const socket of sockets) socket.disconnect();
  }
  return results;
}
