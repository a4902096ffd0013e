/**
 * Answers with a model behind any OpenAI-compatible chat completions endpoint (OpenAI, Azure,
 * vLLM, Ollama, …), grounded in the passages the retriever finds and streamed token by token.
 *
 * - Nothing relevant in the knowledge: the honest "not found" right away, no model call.
 * - The model says NO_ANSWER: the same "not found"; the marker never reaches the visitor (the
 *   first characters are held back until the reply cannot be the marker any more).
 * - Anything that goes wrong with the provider (timeout, 429, 5xx, a stream that breaks off) is
 *   retried once when that is safe — nothing reached the visitor yet, a 429's Retry-After is
 *   short, and the time already spent leaves room — and otherwise rejects with a
 *   `ResponderError`, so the caller can fall back to the offline answer.
 * - Citations: the model cites passages as `[n]`. The visitor sees the sources as a list in the
 *   order they were first cited, so the markers are renumbered as they stream (the first passage
 *   cited becomes [1], the next new one [2], …) and markers naming no passage are dropped: a
 *   `[2]` in the text is always the second source shown.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Retriever, RetrievalHit } from '../knowledge/types.js';
import { knowledgeLang, notFoundAnswer } from './not-found.js';
import { sourceOf } from './offline-responder.js';
import { buildMessages, createCitationRenumberer, NO_ANSWER, type PromptMessage } from './prompt.js';
import { ResponderError, throwIfAborted } from './responder-error.js';
import type { Responder, ResponderAnswer, ResponderRequest } from './types.js';

/**
 * Below this retriever confidence (see knowledge/bm25-index.ts) the knowledge has nothing on the
 * question and the model is not asked. Low on purpose: the model reads the passages and says
 * NO_ANSWER itself, so the gate only saves a paid call on clearly unrelated questions. On the
 * StackFAQ / AFQMC dev sets, 0.05 kept from the model 2% / 0% of the questions whose right entry
 * was among the passages, and 22% / 0% of questions the knowledge could not answer (0.1: 9% / 6%
 * and 43% / 18%).
 */
export const RELEVANT_MIN_CONFIDENCE = 0.05;

/**
 * A follow-up ("and to Canada?") says little on its own: below this confidence the previous
 * visitor message is searched together with it and the better passages of both are used.
 */
const FOLLOW_UP_BELOW_CONFIDENCE = 0.4;

export interface OpenAIResponderOptions {
  apiKey: string;
  /** Any OpenAI-compatible endpoint; the official API when absent. */
  baseURL?: string;
  model: string;
  retriever: Retriever;
  /** The longest wait for the reply to start, and then between two streamed pieces. */
  timeoutMs?: number;
  /**
   * Retries of a failed request (429, 5xx, timeout, a stream cut) before any of the answer was
   * shown. Default 1: a second try often works, a third rarely, and the visitor is waiting.
   */
  maxRetries?: number;
  /** A 429 is retried only when its Retry-After asks for at most this long. */
  maxRetryAfterMs?: number;
  /**
   * No retry starts once this long has passed since the question (then the fallback answers):
   * the visitor never waits much longer than one timeout. Defaults to `timeoutMs`.
   */
  retryWithinMs?: number;
  /** Passages sent to the model. */
  passages?: number;
  /** Budget for earlier turns of the conversation, in estimated tokens. */
  historyTokens?: number;
  /** Longest passage body sent, in characters. */
  passageChars?: number;
  minConfidence?: number;
  temperature?: number;
}

export function createOpenAIResponder({
  apiKey,
  baseURL,
  model,
  retriever,
  timeoutMs = 30_000,
  maxRetries = 1,
  maxRetryAfterMs = 2_000,
  retryWithinMs = timeoutMs,
  passages = 4,
  historyTokens = 1_000,
  passageChars = 2_000,
  minConfidence = RELEVANT_MIN_CONFIDENCE,
  temperature = 0.2,
}: OpenAIResponderOptions): Responder {
  // The SDK's own retries are off: ours know whether the visitor already saw part of the answer.
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries: 0 });

  return {
    name: 'openai',
    async answer(request: ResponderRequest): Promise<ResponderAnswer> {
      const started = performance.now();
      throwIfAborted(request.signal);
      const hits = await retrieve(retriever, request, passages);
      throwIfAborted(request.signal);
      // Any passage will do: the model reads them all, and the best-scored one is not always the
      // one that answers (a question full of context words ranks a near miss first).
      if (Math.max(0, ...hits.map((h) => h.confidence ?? 0)) < minConfidence) {
        return notFoundAnswer(request.locale, hits, { responder: 'openai', latencyMs: performance.now() - started });
      }

      const messages = buildMessages({ ...request, passages: hits, historyTokens, passageChars });
      const reply = await withRetries(
        () => streamReply(client, { model, messages, temperature }, request, timeoutMs, hits.length),
        { maxRetries, maxRetryAfterMs, deadline: started + retryWithinMs, signal: request.signal },
      );
      const provenance = {
        responder: 'openai' as const,
        model: reply.model ?? model,
        latencyMs: performance.now() - started,
        promptTokens: reply.promptTokens,
        completionTokens: reply.completionTokens,
      };
      if (reply.noAnswer) {
        if (reply.streamed) request.onReset?.();
        return notFoundAnswer(request.locale, hits, provenance);
      }
      return {
        text: reply.text,
        sources: reply.cited.map((i) => sourceOf(hits[i]!.entry)),
        provenance: {
          ...provenance,
          passageIds: hits.map((h) => h.entry.id),
          scores: hits.map((h) => h.score),
          answered: true,
        },
      };
    },
  };
}

async function retrieve(retriever: Retriever, request: ResponderRequest, limit: number): Promise<RetrievalHit[]> {
  const options = { limit, lang: knowledgeLang(request.locale), signal: request.signal };
  const hits = await retriever.search(request.question, options);
  const previous = request.history.findLast((turn) => turn.author === 'visitor')?.text;
  if (!previous || (hits[0]?.confidence ?? 0) >= FOLLOW_UP_BELOW_CONFIDENCE) return hits;
  // Confidence, unlike score, is comparable across the two searches.
  const best = new Map<string, RetrievalHit>();
  for (const hit of [...hits, ...(await retriever.search(`${previous}\n${request.question}`, options))]) {
    const seen = best.get(hit.entry.id);
    if (!seen || (hit.confidence ?? 0) > (seen.confidence ?? 0)) best.set(hit.entry.id, hit);
  }
  return [...best.values()].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0)).slice(0, limit);
}

interface Reply {
  text: string;
  /** Passages cited, 0-based, in the order of the renumbered markers. */
  cited: number[];
  noAnswer: boolean;
  /** Whether any of it reached `onToken`. */
  streamed: boolean;
  model?: string;
  promptTokens?: number;
  completionTokens?: number;
}

async function streamReply(
  client: OpenAI,
  params: { model: string; messages: PromptMessage[]; temperature: number },
  request: ResponderRequest,
  timeoutMs: number,
  passageCount: number,
): Promise<Reply> {
  // One controller for both ways a stream ends early: the caller's signal and our idle timer.
  // The SDK's own timeout stops counting once the response headers arrive.
  const controller = new AbortController();
  const abort = () => controller.abort();
  request.signal?.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const restartTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };

  const citations = createCitationRenumberer(passageCount);
  const gate = createMarkerGate(request.onToken);
  const reply: Omit<Reply, 'text' | 'cited' | 'noAnswer' | 'streamed'> = {};
  let finishReason: string | null | undefined;
  try {
    restartTimer();
    const stream = await client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { signal: controller.signal },
    );
    for await (const chunk of stream) {
      if (controller.signal.aborted) break;
      restartTimer();
      reply.model = chunk.model || reply.model;
      if (chunk.usage) {
        reply.promptTokens = chunk.usage.prompt_tokens;
        reply.completionTokens = chunk.usage.completion_tokens;
      }
      const choice = chunk.choices[0];
      if (choice?.delta?.content) gate.push(citations.push(choice.delta.content));
      finishReason = choice?.finish_reason ?? finishReason;
    }
    // An aborted stream may just end instead of throwing.
    if (controller.signal.aborted) throw controller.signal.reason;
  } catch (error) {
    throw toResponderError(error, { aborted: request.signal?.aborted === true, timedOut, streamed: gate.streamed() });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', abort);
  }

  // Every complete completion names why it stopped; a stream that ends without saying so was cut.
  if (!finishReason) {
    throw new ResponderError('interrupted', 'The model stream ended before the answer was complete', { streamed: gate.streamed() });
  }
  gate.push(citations.flush());
  const text = gate.text().trim();
  const noAnswer = text.includes(NO_ANSWER) || finishReason === 'content_filter';
  if (!text && !noAnswer) throw new ResponderError('bad_response', `The model sent an empty answer (${finishReason})`);
  return { ...reply, text, cited: citations.cited(), noAnswer, streamed: gate.streamed() };
}

const RETRYABLE = new Set<ResponderError['reason']>(['timeout', 'rate_limited', 'unavailable', 'interrupted', 'bad_response']);

/** Pause before a retry that was not told how long to wait (a 5xx, a cut stream). */
const RETRY_PAUSE_MS = 200;

/**
 * Runs `attempt` again after a failure that is safe to retry: nothing of the failed answer was
 * shown (else the visitor would see it twice; the fallback's reset handles that case), the
 * provider's Retry-After is short, and the deadline leaves room for the pause.
 */
async function withRetries<T>(
  attempt: () => Promise<T>,
  { maxRetries, maxRetryAfterMs, deadline, signal }: { maxRetries: number; maxRetryAfterMs: number; deadline: number; signal?: AbortSignal },
): Promise<T> {
  for (let retries = 0; ; retries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ResponderError) || retries >= maxRetries || error.streamed || !RETRYABLE.has(error.reason)) throw error;
      const wait = error.retryAfterMs ?? RETRY_PAUSE_MS;
      if (wait > maxRetryAfterMs || performance.now() + wait >= deadline) throw error;
      await sleep(wait, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ResponderError('aborted', 'The answer is no longer wanted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Retry-After as milliseconds: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Forwards the reply to `onToken`, except while it could still turn out to be NO_ANSWER: the
 * first characters wait until they stop matching the marker (at most its length).
 */
function createMarkerGate(onToken: ((delta: string) => void) | undefined) {
  let received = '';
  let sent = 0;
  let open = false;
  return {
    push(delta: string) {
      received += delta;
      const visible = received.trimStart();
      if (!open) {
        if (NO_ANSWER.startsWith(visible) || visible.startsWith(NO_ANSWER)) return;
        open = true;
      }
      onToken?.(visible.slice(sent));
      sent = visible.length;
    },
    text: () => received,
    streamed: () => sent > 0,
  };
}

function toResponderError(
  error: unknown,
  { aborted, timedOut, streamed }: { aborted: boolean; timedOut: boolean; streamed: boolean },
): ResponderError {
  if (error instanceof ResponderError) return error;
  const options = { cause: error, streamed };
  if (aborted) return new ResponderError('aborted', 'The answer is no longer wanted', options);
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return new ResponderError('timeout', 'The model did not answer in time', options);
  }
  if (error instanceof APIUserAbortError) return new ResponderError('interrupted', 'The model stream was cancelled', options);
  if (error instanceof APIConnectionError) return new ResponderError('unavailable', 'The model endpoint is unreachable', options);
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    if (status === 429) {
      return new ResponderError('rate_limited', 'The model provider is rate limiting us (429)', {
        ...options,
        retryAfterMs: retryAfterMs(error.headers),
      });
    }
    if (status >= 500) return new ResponderError('unavailable', `The model provider failed (${status})`, options);
    return new ResponderError('rejected', `The model provider refused the request (${status})`, options);
  }
  // Mid-stream: the connection dropped (undici's "terminated") or a chunk was not valid JSON.
  return new ResponderError('interrupted', 'The model stream broke off', options);
}
