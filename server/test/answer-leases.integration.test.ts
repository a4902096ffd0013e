/**
 * Answering while the leases are away (Redis, with several processes; issue 10): a question asked
 * on this process is answered without its lease, which is taken as soon as the leases answer
 * again; should another process hold it by then (its sweeper found the question first), this
 * answer stops and theirs stands. Real sockets; the leases are the in-memory ones, made to fail.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import type { Responder } from '../src/ai/types.js';
import { createMemoryCoordination, MemoryLeases } from '../src/coordination/memory.js';
import type { Lease, Leases } from '../src/coordination/types.js';
import { connected, data, startTestServer, type TestServer } from './harness.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases that are away (throw), held by another process (null), or there. */
class SwitchedLeases implements Leases {
  state: 'away' | 'elsewhere' | 'there' = 'away';
  readonly taken: string[] = [];
  /** How long each call takes (a Redis slow to answer). */
  delayMs = 0;
  readonly real = new MemoryLeases();
  async acquire(key: string, ttlMs: number): Promise<Lease | null> {
    const state = this.state;
    await sleep(this.delayMs);
    if (state === 'away') throw new Error('The client is offline');
    if (state === 'elsewhere') return null;
    const lease = await this.real.acquire(key, ttlMs);
    if (lease) this.taken.push(key);
    return lease;
  }
}

/** Streams one token, then answers when `finish` is called (or stops when aborted). */
function slowResponder() {
  let finish = () => {};
  const responder: Responder = {
    name: 'offline',
    answer: ({ onToken, signal }) =>
      new Promise((resolve, reject) => {
        onToken?.('Start a return ');
        signal?.addEventListener('abort', () => reject(signal.reason as Error));
        finish = () => resolve({ text: 'Start a return from your orders page.', sources: [], provenance: { responder: 'offline', passageIds: [], scores: [], answered: true, latencyMs: 1 } });
      }),
  };
  return { responder, finish: () => finish() };
}


describe('an answer begun while the leases are away', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function ask(leases: SwitchedLeases, slow: ReturnType<typeof slowResponder>) {
    t = await startTestServer({ responder: slow.responder, coordination: { ...createMemoryCoordination(), leases } });
    const visitor = t.visitor();
    await connected(visitor);
    const streamed = new Promise<void>((resolve) => visitor.once('ai:token', () => resolve()));
    const sent = data(await visitor.emitWithAck('message:send', { clientId: 'lease-00001', text: 'How do I return an item?' }));
    await streamed; // answering, without the lease
    return { visitor, question: sent.message };
  }

  it('takes the lease once the leases are back, and finishes', async () => {
    const leases = new SwitchedLeases();
    const slow = slowResponder();
    const { visitor, question } = await ask(leases, slow);
    leases.state = 'there';
    await sleep(1_500); // a retry (every second) takes it
    expect(leases.taken).toEqual([`answer:${question.id}`]);
    const answered = new Promise<ChatMessage>((resolve) => visitor.on('message:created', (m) => m.author === 'ai' && resolve(m)));
    slow.finish();
    expect((await answered).text).toBe('Start a return from your orders page.');
  });

  it('stops when another process holds the lease by then: its answer stands', async () => {
    const leases = new SwitchedLeases();
    const slow = slowResponder();
    const { visitor, question } = await ask(leases, slow);
    const aborted = new Promise<void>((resolve) => visitor.once('ai:stream-aborted', () => resolve()));
    leases.state = 'elsewhere';
    await aborted;
    slow.finish();
    await sleep(200);
    const stored = await t!.store.listMessages(question.conversationId, { afterSeq: 0 });
    expect(stored.filter((m) => m.author === 'ai')).toEqual([]);
  });

  it('lets go of a lease taken after the answer ended, and stops nothing', async () => {
    const leases = new SwitchedLeases();
    const slow = slowResponder();
    const { visitor, question } = await ask(leases, slow);
    leases.state = 'there';
    leases.delayMs = 2_500; // the first retry's call (at ~1 s) is still under way when the answer ends
    await sleep(1_700);
    const answered = new Promise<ChatMessage>((resolve) => visitor.on('message:created', (m) => m.author === 'ai' && resolve(m)));
    slow.finish();
    await answered;
    await sleep(2_500);
    expect(leases.taken).toEqual([`answer:${question.id}`]);
    // Released: another process could take it now.
    expect(await leases.real.acquire(`answer:${question.id}`, 1_000)).not.toBeNull();
  });
});
