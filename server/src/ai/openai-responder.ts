/**
 * Answers with a model behind any OpenAI-compatible chat completions endpoint (OpenAI, Azure,
 * vLLM, Ollama, …), grounded in the passages the retriever finds and streamed token by token.
 *
 * - Nothing relevant in the knowledge: the honest "not found" right away, no model call.
 * - The model says NO_ANSWER: the same "not found"; the marker never reaches the visitor (the
 *   first characters are held back until the reply cannot be the marker any more).
 * - Anything that goes wrong with the provider (timeout, 429, 5xx, a stream that breaks off)
 *   rejects with a `ResponderError`, so the caller can fall back to the offline answer.
 */
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { Retriever, RetrievalHit } from '../knowledge/types.js';
import { knowledgeLang, notFoundAnswer } from './not-found.js';
import { sourceOf } from './offline-responder.js';
import { buildMessages, citedPassages, NO_ANSWER, type PromptMessage } from './prompt.js';
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
   * Retries the SDK makes on 429/5xx before failing. Default 0: the visitor is waiting, and the
   * offline answer a fallback gives is better than seconds of backoff.
   */
  maxRetries?: number;
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
  maxRetries = 0,
  passages = 4,
  historyTokens = 1_000,
  passageChars = 2_000,
  minConfidence = RELEVANT_MIN_CONFIDENCE,
  temperature = 0.2,
}: OpenAIResponderOptions): Responder {
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries });

  return {
    name: 'openai',
    async answer(request: ResponderRequest): Promise<ResponderAnswer> {
      const started = performance.now();
      throwIfAborted(request.signal);
      const hits = retrieve(retriever, request, passages);
      if ((hits[0]?.confidence ?? 0) < minConfidence) {
        return notFoundAnswer(request.locale, hits, { responder: 'openai', latencyMs: performance.now() - started });
      }

      const messages = buildMessages({ ...request, passages: hits, historyTokens, passageChars });
      const reply = await streamReply(client, { model, messages, temperature }, request, timeoutMs);
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
        sources: citedPassages(reply.text, hits.length).map((i) => sourceOf(hits[i]!.entry)),
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

function retrieve(retriever: Retriever, request: ResponderRequest, limit: number): RetrievalHit[] {
  const lang = knowledgeLang(request.locale);
  const hits = retriever.search(request.question, { limit, lang });
  const previous = request.history.findLast((turn) => turn.author === 'visitor')?.text;
  if (!previous || (hits[0]?.confidence ?? 0) >= FOLLOW_UP_BELOW_CONFIDENCE) return hits;
  // Confidence, unlike score, is comparable across the two searches.
  const best = new Map<string, RetrievalHit>();
  for (const hit of [...hits, ...retriever.search(`${previous}\n${request.question}`, { limit, lang })]) {
    const seen = best.get(hit.entry.id);
    if (!seen || (hit.confidence ?? 0) > (seen.confidence ?? 0)) best.set(hit.entry.id, hit);
  }
  return [...best.values()].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0)).slice(0, limit);
}

interface Reply {
  text: string;
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

  const gate = createMarkerGate(request.onToken);
  const reply: Omit<Reply, 'text' | 'noAnswer' | 'streamed'> = {};
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
      if (choice?.delta?.content) gate.push(choice.delta.content);
      finishReason = choice?.finish_reason ?? finishReason;
    }
    // An aborted stream may just end instead of throwing.
    if (controller.signal.aborted) throw controller.signal.reason;
  } catch (error) {
    throw toResponderError(error, { aborted: request.signal?.aborted === true, timedOut });
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', abort);
  }

  // Every complete completion names why it stopped; a stream that ends without saying so was cut.
  if (!finishReason) throw new ResponderError('interrupted', 'The model stream ended before the answer was complete');
  const text = gate.text().trim();
  const noAnswer = text.includes(NO_ANSWER) || finishReason === 'content_filter';
  if (!text && !noAnswer) throw new ResponderError('bad_response', `The model sent an empty answer (${finishReason})`);
  return { ...reply, text, noAnswer, streamed: gate.streamed() };
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

function toResponderError(error: unknown, { aborted, timedOut }: { aborted: boolean; timedOut: boolean }): ResponderError {
  if (error instanceof ResponderError) return error;
  if (aborted) return new ResponderError('aborted', 'The answer is no longer wanted', { cause: error });
  if (timedOut || error instanceof APIConnectionTimeoutError) {
    return new ResponderError('timeout', 'The model did not answer in time', { cause: error });
  }
  if (error instanceof APIUserAbortError) return new ResponderError('interrupted', 'The model stream was cancelled', { cause: error });
  if (error instanceof APIConnectionError) return new ResponderError('unavailable', 'The model endpoint is unreachable', { cause: error });
  if (error instanceof APIError && error.status !== undefined) {
    const status = error.status;
    if (status === 429) return new ResponderError('rate_limited', 'The model provider is rate limiting us (429)', { cause: error });
    if (status >= 500) return new ResponderError('unavailable', `The model provider failed (${status})`, { cause: error });
    return new ResponderError('rejected', `The model provider refused the request (${status})`, { cause: error });
  }
  // Mid-stream: the connection dropped (undici's "terminated") or a chunk was not valid JSON.
  return new ResponderError('interrupted', 'The model stream broke off', { cause: error });
}
