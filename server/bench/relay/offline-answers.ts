/**
 * The offline AI's path (product only: the raw relay has no AI): each visitor asks questions the
 * demo knowledge answers, one at a time, and the time is from the send to the AI's stored answer
 * (`message:created` with author `ai`). A visitor whose conversation left the AI (a hand-off) or
 * who got no answer in time is replaced by a new one.
 */
import { clientId, connected, connectVisitor, data, nextMessage, type VisitorSocket } from './clients.js';
import { inBatches } from './in-batches.js';
import type { Target } from './servers.js';
import { latency, type Latency } from './stats.js';

export interface AnswerRun extends Latency {
  visitors: number;
  per_s: number;
  /** Answers without a source (the "not found" reply). */
  unanswered: number;
  replaced: number;
}

const ANSWER_TIMEOUT_MS = 10_000;

async function newVisitor(target: Target): Promise<VisitorSocket> {
  const socket = connectVisitor(target);
  await connected(socket);
  return socket;
}

export async function offlineAnswers(target: Target, visitors: number, seconds: number, questions: readonly string[]): Promise<AnswerRun> {
  const sockets = await inBatches(visitors, 20, () => newVisitor(target));
  const times: number[] = [];
  let unanswered = 0;
  let replaced = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    sockets.map(async (first, i) => {
      let socket = first;
      for (let asked = 0; performance.now() < end; asked++) {
        const text = questions[(i + asked) % questions.length]!;
        const sent = performance.now();
        try {
          const answer = nextMessage(socket, (m) => m.author === 'ai', ANSWER_TIMEOUT_MS);
          const ack = data(socket.emitWithAck('message:send', { clientId: clientId(), text }), ANSWER_TIMEOUT_MS);
          const [message] = await Promise.all([answer, ack]);
          const now = performance.now();
          if (now > end) break;
          times.push(now - sent);
          if (!message.sources?.length) unanswered++;
        } catch {
          replaced++;
          socket.disconnect();
          socket = await newVisitor(target);
        }
      }
      socket.disconnect();
    }),
  );
  return { visitors, per_s: Math.round(times.length / seconds), ...latency(times), unanswered, replaced };
}
