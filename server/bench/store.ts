/**
 * `npm run bench -- store`: what one append costs the event loop on a file store (issue 9), the
 * shipped store beside a baseline that has the search triggers of migration 6 put back (the
 * index written in the message's own transaction, as before the search index moved to its
 * worker). 2,000 appends in batches of 20 (20 conversations, one append each, awaited together:
 * what a busy relay's group commits look like), variants taking turns over rounds so a noisy
 * neighbour slows both alike.
 *
 * Two CPU figures per append: the event loop's busy time (`eventLoopUtilization`: what every chat
 * on this process waits behind) and the CPU of the whole process (`process.cpuUsage`: every
 * thread, so the fsync pool is in it, and the shipped store's indexer, waited for until it has
 * indexed every append measured).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { cjkGrams } from '../src/store/search-grams.js';
import { MIGRATIONS, SqliteStore } from '../src/store/sqlite-store.js';

const APPENDS = 2_000;
const BATCH = 20;
const ROUNDS = 5;

type Variant = 'triggers (before)' | 'shipped';

interface Sample {
  loopUs: number;
  cpuUs: number;
  perSecond: number;
}

/** Puts the search index of migration 6 back into the main database: its tables and triggers. */
function addSearchTriggers(file: string): void {
  const db = new Database(file);
  db.function('cjk_grams', { deterministic: true }, (text: unknown) => cjkGrams(typeof text === 'string' ? text : null));
  db.exec(MIGRATIONS.find((sql) => sql.includes('CREATE TRIGGER messages_search'))!);
  db.close();
}

async function measure(variant: Variant, root: string): Promise<Sample> {
  const dir = fs.mkdtempSync(path.join(root, 'support-chat-store-'));
  // The baseline's indexer waits an hour between batches: only the triggers index its appends.
  const store = SqliteStore.open(dir, variant === 'shipped' ? {} : { searchIntervalMs: 3_600_000 });
  try {
    if (variant !== 'shipped') addSearchTriggers(path.join(dir, 'support-chat.sqlite'));
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    const ids = Array.from({ length: BATCH }, (_, i) => `c${i}`);
    for (const id of ids) {
      await store.createConversation({
        id, visitorId: 'visitor-1', status: 'bot', assignedAgentId: null, locale: 'en',
        context: { pageUrl: 'https://shop.example/cart' }, lastSeq: 0, createdAt: 1, updatedAt: 1, queuedAt: null, closedAt: null,
      });
    }
    let n = 0;
    const batch = () =>
      Promise.all(ids.map((id) => {
        n++;
        // ~200 bytes, half of them Chinese, as the relay bench sends.
        const text = n % 2 ? `Where is my order #${n}? It was due on Monday and the tracking page says nothing at all since.` : `我的订单 ${n} 还没有到，物流页面一直没有更新，请帮我查一下什么时候能发货，谢谢。`;
        return store.appendMessage(id, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text, clientId: `m-${n}` }, n);
      }));
    for (let i = 0; i < 10; i++) await batch(); // warm-up: statements prepared, JIT
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < APPENDS / BATCH; i++) await batch();
    const wallMs = performance.now() - started;
    const loop = performance.eventLoopUtilization(elu);
    // The shipped store indexes these appends on its worker, partly after the last one: counted.
    if (variant === 'shipped') await store.flushSearch();
    const used = process.cpuUsage(cpu);
    return {
      loopUs: (loop.active * 1000) / APPENDS,
      cpuUs: (used.user + used.system) / APPENDS,
      perSecond: APPENDS / (wallMs / 1000),
    };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function storeBench(): Promise<void> {
  const root = os.tmpdir();
  const variants: Variant[] = ['triggers (before)', 'shipped'];
  const samples = new Map<Variant, Sample[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of variants) samples.get(variant)!.push(await measure(variant, root));
  }
  const lines = [
    `store appends on a file in ${root}: ${APPENDS} appends in batches of ${BATCH}, median of ${ROUNDS} rounds`,
    '  variant               event loop µs/append   process CPU µs/append   appends/s',
  ];
  for (const variant of variants) {
    const s = samples.get(variant)!;
    lines.push(
      `  ${variant.padEnd(20)}  ${median(s.map((x) => x.loopUs)).toFixed(0).padStart(18)}   ${median(s.map((x) => x.cpuUs)).toFixed(0).padStart(21)}   ${median(s.map((x) => x.perSecond)).toFixed(0).padStart(9)}`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
