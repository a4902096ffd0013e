/**
 * `npm run bench -- reads`: search, reports, knowledge gaps and the inbox on 10k conversations /
 * 100k messages seeded through the store (issue 9), each beside the query it replaced, run on the
 * same data in the same process (the old SQL is kept here as the baseline). Then the event loop's
 * longest stall while reports run: the old way, the new queries on the event loop, and the
 * reader thread. The store lives in /dev/shm when there is one (seeding 100k fsync'd appends on a
 * disk would take minutes; the reads do not fsync).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { DomainEventBus } from '../src/conversations/events.js';
import { ConversationService } from '../src/conversations/service.js';
import { percentile } from '../src/knowledge/eval/evaluate.js';
import { rangeBounds, summarizeReport } from '../src/reports/report.js';
import { SqliteReads } from '../src/store/sqlite-reads.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { toConversation, type ConversationRow } from '../src/store/sqlite-rows.js';
import type { ConversationFacts, ReportRange } from '../src/store/types.js';
import { seeded } from './synthetic.js';

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 30);
const EN = ['Where is my order', 'How do I get a refund', 'Can I change my delivery address', 'Do you sell gift cards', 'My blender is broken', 'What is the warranty period'];
const ZH = ['我要退款', '订单什么时候发货', '发票怎么开', '可以修改收货地址吗', '保修期是多久', '花呗可以分期吗'];
const NAMES_ZH = ['王芳', '李雷', '韩梅梅', '张伟', '刘洋'];

async function seed(store: SqliteStore, conversations: number, perConversation: number): Promise<void> {
  const random = seeded(9);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  await store.createAgent({ id: 'agent-1', email: 'a@x.io', name: 'Ann', role: 'agent', passwordHash: 'x', createdAt: 0, capacity: 5 });
  for (let i = 0; i < conversations; i++) {
    const zh = random() < 0.4;
    const createdAt = END - Math.floor(random() * 30 * DAY);
    const id = `conv-${i}`;
    const visitorId = `visitor-${i}`;
    const roll = random();
    const status = roll < 0.01 ? 'queued' : roll < 0.05 ? 'assigned' : roll < 0.5 ? 'bot' : 'closed';
    const { conversation } = await store.openConversation({
      id, visitorId, status: 'bot', assignedAgentId: null, locale: zh ? 'zh-CN' : 'en',
      context: { pageUrl: `https://shop.example/p/${i}`, attributes: { email: `v${i}@mail.example`, name: zh ? pick(NAMES_ZH) : `Visitor ${i}` } },
      lastSeq: 0, createdAt, updatedAt: createdAt, queuedAt: null, closedAt: null,
    });
    let at = createdAt;
    const handedOff = status !== 'bot' && random() < 0.6;
    for (let m = 0; m < perConversation; m++) {
      at += 1000 + Math.floor(random() * 60_000);
      const question = `${pick(zh ? ZH : EN)} ${i}-${m}`;
      const turn = m % 4;
      if (turn === 0) await store.appendMessage(id, { senderId: visitorId, author: 'visitor', kind: 'text', text: question }, at);
      else if (turn === 1) {
        const answered = random() < 0.8;
        await store.appendMessage(id, {
          senderId: 'ai', author: 'ai', kind: 'text', text: answered ? 'Here is how that works…' : 'Sorry, I do not know.',
          provenance: { responder: 'offline', passageIds: [], scores: [], answered, latencyMs: 3 },
          ...(random() < 0.2 ? { feedback: random() < 0.7 ? 'helpful' : 'not_helpful' } : {}),
        }, at);
      } else if (turn === 2 && handedOff && m === 2) {
        await store.appendMessage(id, { senderId: 'system', author: 'system', kind: 'event', text: 'queued', event: { type: 'queued' } }, at);
      } else if (handedOff && turn === 3) {
        await store.appendMessage(id, { senderId: 'agent-1', author: 'agent', kind: m === 3 ? 'note' : 'text', text: zh ? '已为您处理' : 'Done for you' }, at);
      } else {
        await store.appendMessage(id, { senderId: visitorId, author: 'visitor', kind: 'text', text: zh ? '谢谢' : 'thanks' }, at);
      }
    }
    if (status !== 'bot') {
      await store.transitionConversation(conversation.id, ['bot'], {
        status,
        updatedAt: at,
        ...(status === 'queued' ? { queuedAt: at } : {}),
        ...(status !== 'queued' ? { assignedAgentId: 'agent-1', humanInvolved: handedOff } : {}),
        ...(status === 'closed' ? { closedAt: at, rating: random() < 0.3 ? { score: (1 + Math.floor(random() * 5)) as 1 | 2 | 3 | 4 | 5, ratedAt: at } : null } : {}),
      });
    }
  }
}

/** The reads as they were before issue 9, on the same data: the baseline. */
function oldReads(db: Database.Database) {
  return {
    facts(from: number, to: number): ConversationFacts[] {
      const rows = db.prepare(
        `SELECT c.*,
           (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.kind = 'event'
              AND json_extract(m.body, '$.event.type') = 'queued') AS handed_off_at,
           (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.kind = 'text'
              AND json_extract(m.body, '$.author') = 'agent') AS first_agent_reply_at
         FROM conversations c WHERE c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at`,
      ).all(from, to) as (ConversationRow & { handed_off_at: number | null; first_agent_reply_at: number | null })[];
      return rows.map((r) => ({ conversation: toConversation(r), handedOffAt: r.handed_off_at, firstAgentReplyAt: r.first_agent_reply_at }));
    },
    feedback(from: number, to: number) {
      const r = db.prepare(
        `SELECT SUM(json_extract(body, '$.feedback') = 'helpful') AS helpful, SUM(json_extract(body, '$.feedback') = 'not_helpful') AS not_helpful
         FROM messages WHERE kind = 'text' AND json_extract(body, '$.author') = 'ai' AND created_at >= ? AND created_at < ?`,
      ).get(from, to) as { helpful: number; not_helpful: number };
      return { helpful: r.helpful ?? 0, notHelpful: r.not_helpful ?? 0 };
    },
    gaps(from: number, to: number, limit: number) {
      return (db.prepare(
        `SELECT q.question, COUNT(*) AS count, MAX(q.asked_at) AS lastAskedAt, q.conversation_id AS conversationId FROM (
           SELECT (SELECT json_extract(v.body, '$.text') FROM messages v WHERE v.conversation_id = a.conversation_id
                AND v.seq < a.seq AND json_extract(v.body, '$.author') = 'visitor' ORDER BY v.seq DESC LIMIT 1) AS question,
             a.conversation_id, a.created_at AS asked_at
           FROM messages a WHERE a.kind = 'text' AND json_extract(a.body, '$.author') = 'ai'
             AND json_extract(a.body, '$.provenance.answered') = 0 AND a.created_at >= ? AND a.created_at < ?
         ) q WHERE q.question IS NOT NULL GROUP BY lower(trim(q.question)) ORDER BY count DESC, lastAskedAt DESC LIMIT ?`,
      ).all(from, to, limit) as { question: string; count: number; lastAskedAt: number; conversationId: string }[]);
    },
    search(text: string) {
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db.prepare(
        `SELECT c.* FROM conversations c WHERE (lower(c.visitor_id) LIKE ? ESCAPE '\\' OR lower(c.context) LIKE ? ESCAPE '\\'
           OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND lower(json_extract(m.body, '$.text')) LIKE ? ESCAPE '\\'))
         ORDER BY c.updated_at DESC LIMIT 50`,
      ).all(pattern, pattern, pattern);
    },
    report(range: ReportRange, now: number) {
      const { from, to } = rangeBounds(range);
      return summarizeReport(range, now, this.facts(from, to), this.feedback(from, to), this.gaps(from, to, 20));
    },
  };
}

async function timed(run: () => unknown, times = 9): Promise<{ p50: number; max: number }> {
  await run(); // warm-up
  const all: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    all.push(performance.now() - started);
  }
  return { p50: percentile(all, 50), max: Math.max(...all) };
}

/** The event loop's longest stall and p99 delay while `run` goes `times` times, one after another. */
async function stall(run: () => unknown, times = 10): Promise<{ max: number; p99: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  // A chat-like ticker keeps the loop sampled between reports.
  const ticker = setInterval(() => undefined, 1);
  for (let i = 0; i < times; i++) {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  clearInterval(ticker);
  histogram.disable();
  return { max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6 };
}

const ms = (v: number) => `${v.toFixed(1).padStart(7)} ms`;

export async function readsBench(conversations = 10_000, perConversation = 10): Promise<void> {
  const root = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(root, 'support-chat-reads-'));
  const lines: string[] = [];
  try {
    const store = SqliteStore.open(dir);
    let started = performance.now();
    await seed(store, conversations, perConversation);
    const seedMs = performance.now() - started;
    // The search index follows the writes on the worker thread: wait until it holds them all.
    started = performance.now();
    await store.flushSearch();
    const flushMs = performance.now() - started;
    const db = new Database(path.join(dir, 'support-chat.sqlite'), { readonly: true });
    const messages = (db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
    lines.push(`reads over ${conversations} conversations / ${messages} messages (seeded through the store in ${(seedMs / 1000).toFixed(1)} s; search index caught up ${flushMs.toFixed(0)} ms after)`);
    const old = oldReads(db);
    const inLoop = new SqliteReads(db); // the new SQL, on this thread: what the event loop would pay
    const range: ReportRange = { fromDay: '2026-10-31', toDay: '2026-11-29', timeZone: 'Asia/Shanghai' };
    const { from, to } = rangeBounds(range);
    const now = END;

    const row = async (name: string, before: (() => unknown) | null, after: () => unknown, note = '') => {
      const b = before ? await timed(before) : null;
      const a = await timed(after);
      lines.push(`  ${name.padEnd(28)} before ${b ? ms(b.p50) : '      —   '}   after ${ms(a.p50)}   ${b ? `×${(b.p50 / a.p50).toFixed(0)} ` : ''}${note}`);
    };
    lines.push('  p50 of 9 runs             old query (same data)     new');
    await row('report (30 days)', () => old.report(range, now), () => inLoop.report(range, now), 'new SQL, on the loop');
    await row('report via reader thread', null, () => store.report(range, now), '(end to end: post, compute, answer)');
    await row('knowledge gaps (100)', () => old.gaps(from, to, 100), () => store.knowledgeGaps(from, to, 100), 'reader thread');
    for (const [label, text] of [['search en 3+ "gift cards"', 'gift cards'], ['search en long', 'can i change my delivery'], ['search en 2 "ok"', 'ok'], ['search zh 1 "退"', '退'], ['search zh 2 "退款"', '退款'], ['search zh 2 rare "韩梅"', '韩梅'], ['search zh 3+ "可以修改"', '可以修改'], ['search email', 'v9876@mail']] as const) {
      await row(label, () => old.search(text), () => store.searchConversations({ text, limit: 50 }), 'reader thread');
    }

    const service = new ConversationService(store, new DomainEventBus(), { now: () => now });
    const oldInbox = async () => {
      const [open, closed] = [
        await store.listConversations({ statuses: ['bot', 'queued', 'assigned'], limit: 500 }),
        await store.listConversations({ statuses: ['closed'], limit: 100 }),
      ];
      return { conversations: await Promise.all([...open, ...closed].map((c) => service.toAgentView(c))) };
    };
    await row('inbox:list', oldInbox, () => service.listInbox('agent-1'), 'on the loop');
    const size = (v: unknown) => `${Math.round(Buffer.byteLength(JSON.stringify(v)) / 1024)} KB`;
    lines.push(`  inbox:list payload          before ${size(await oldInbox())}   after ${size(await service.listInbox('agent-1'))} (all queued + 50 per section)`);

    lines.push('  event loop while 10 reports run back to back (what a chat waits behind)');
    for (const [label, run] of [
      ['old queries, on the loop', () => old.report(range, now)],
      ['new queries, on the loop', () => inLoop.report(range, now)],
      ['reader thread (shipped)', () => store.report(range, now)],
    ] as const) {
      const s = await stall(run);
      lines.push(`    ${label.padEnd(26)} longest stall ${ms(s.max)}   delay p99 ${ms(s.p99)}`);
    }
    db.close();
    await store.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}
