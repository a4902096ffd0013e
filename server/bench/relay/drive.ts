/**
 * Drives chat over connected pairs, the same way for every target: closed loop (each pair sends
 * its next message when the previous one arrived) or open loop at a fixed total rate spread over
 * the pairs. Latency is from the send to the peer's `message:created` carrying the same clientId.
 * Open-loop sends never wait for the server (acks are callbacks), so a slow server cannot hold the
 * sender back and hide its queue (no coordinated omission); only this process being busy can
 * delay a send, and that lateness is reported apart as the sender's lag.
 */
import type { ChatMessage, ErrorCode } from '@support-chat/shared';
import { clientId, type Pair } from './clients.js';
import { dueAt, latency, sendsDue, type Latency } from './stats.js';

export type Direction = 'visitorToAgent' | 'agentToVisitor';

export interface ChatRun extends Latency {
  msgs_per_s: number;
  sent: number;
  delivered: number;
  /** Sends the server refused (`ok: false` acks), by code. */
  errors: Partial<Record<ErrorCode, number>>;
}

export interface RateRun extends ChatRun {
  rate: number;
  /** Sent but not delivered when sending stopped. */
  in_flight_at_stop: number;
  /** More than 100 ms of sends in flight when sending stopped, or delivery below 95% of the rate. */
  backlog: boolean;
  /** Never delivered, even after the drain. */
  lost: number;
  /** Sending stopped before the end: more than 1 s of sends were in flight (the run stays bounded). */
  stopped_early: boolean;
  /** How late the bench's own sender was (p99): a busy client, not the server. */
  sender_lag_p99_ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** ~200 bytes, like a chat line. */
function text(n: number): string {
  return `Bench message ${n}: hello, I ordered the blue jacket last week and would like to know when it ships, and whether I can still change the delivery address to my office please.`.padEnd(200, '.');
}

interface Tracker {
  send(pairIndex: number, sentAt: number): void;
  arrivals: { at: number; ms: number }[];
  sent: number;
  errors: Partial<Record<ErrorCode, number>>;
  pending(): number;
  onArrival: (pairIndex: number) => void;
  detach(): void;
}

function track(pairs: readonly Pair[], direction: Direction): Tracker {
  const pending = new Map<string, { sentAt: number; pair: number }>();
  let n = 0;
  const tracker: Tracker = {
    arrivals: [],
    sent: 0,
    errors: {},
    pending: () => pending.size,
    onArrival: () => undefined,
    send(pairIndex, sentAt) {
      const pair = pairs[pairIndex]!;
      const id = clientId();
      pending.set(id, { sentAt, pair: pairIndex });
      tracker.sent++;
      const ack = (result: { ok: true } | { ok: false; error: { code: ErrorCode } }) => {
        if (result.ok) return;
        pending.delete(id);
        tracker.errors[result.error.code] = (tracker.errors[result.error.code] ?? 0) + 1;
        tracker.onArrival(pairIndex);
      };
      if (direction === 'visitorToAgent') pair.visitor.emit('message:send', { clientId: id, text: text(n++) }, ack);
      else pair.agent.emit('message:send', { conversationId: pair.conversationId, clientId: id, text: text(n++) }, ack);
    },
    detach: () => offs.forEach((off) => off()),
  };
  // One listener per socket: an agent socket may serve several pairs.
  const receivers = new Set(pairs.map((pair) => (direction === 'visitorToAgent' ? pair.agent : pair.visitor)));
  const offs = [...receivers].map((receiver) => {
    const listener = (message: ChatMessage) => {
      const sent = message.clientId === undefined ? undefined : pending.get(message.clientId);
      if (!sent) return;
      const now = performance.now();
      pending.delete(message.clientId!);
      tracker.arrivals.push({ at: now, ms: now - sent.sentAt });
      tracker.onArrival(sent.pair);
    };
    receiver.on('message:created', listener);
    return () => receiver.off('message:created', listener);
  });
  return tracker;
}

async function drain(tracker: Tracker, maxMs: number): Promise<void> {
  const until = performance.now() + maxMs;
  while (tracker.pending() > 0 && performance.now() < until) await sleep(20);
}

export async function closedLoop(pairs: readonly Pair[], direction: Direction, seconds: number): Promise<ChatRun> {
  const tracker = track(pairs, direction);
  const start = performance.now();
  const end = start + seconds * 1000;
  tracker.onArrival = (pair) => {
    const now = performance.now();
    if (now < end) tracker.send(pair, now);
  };
  pairs.forEach((_, i) => tracker.send(i, start));
  await sleep(seconds * 1000);
  await drain(tracker, 10_000);
  tracker.detach();
  const inWindow = tracker.arrivals.filter((a) => a.at <= end);
  return {
    msgs_per_s: Math.round(inWindow.length / seconds),
    ...latency(inWindow.map((a) => a.ms)),
    sent: tracker.sent,
    delivered: tracker.arrivals.length,
    errors: tracker.errors,
  };
}

export async function fixedRate(pairs: readonly Pair[], direction: Direction, rate: number, seconds: number): Promise<RateRun> {
  const tracker = track(pairs, direction);
  const total = Math.round(rate * seconds);
  const lags: number[] = [];
  const start = performance.now();
  let stoppedEarly = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (tracker.pending() > rate) {
        stoppedEarly = true;
        return resolve();
      }
      const due = Math.min(sendsDue(now - start, rate), total);
      while (tracker.sent < due) {
        lags.push(now - (start + dueAt(tracker.sent, rate)));
        tracker.send(tracker.sent % pairs.length, now);
      }
      if (tracker.sent >= total) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  const stoppedAt = performance.now();
  const inFlight = tracker.pending();
  const deliveredInWindow = tracker.arrivals.length;
  await drain(tracker, 30_000);
  tracker.detach();
  const deliveredRate = deliveredInWindow / ((stoppedAt - start) / 1000);
  return {
    rate,
    msgs_per_s: Math.round(deliveredRate),
    ...latency(tracker.arrivals.map((a) => a.ms)),
    sent: tracker.sent,
    delivered: tracker.arrivals.length,
    errors: tracker.errors,
    in_flight_at_stop: inFlight,
    backlog: inFlight > rate * 0.1 || deliveredRate < 0.95 * rate,
    lost: tracker.pending(),
    stopped_early: stoppedEarly,
    sender_lag_p99_ms: latency(lags).p99_ms,
  };
}
