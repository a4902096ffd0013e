/**
 * Embeddings from an OpenAI-compatible endpoint (the same OPENAI_BASE_URL / OPENAI_API_KEY as
 * chat; OPENAI_EMBEDDING_MODEL names the model). Batching and caching are the caller's
 * (knowledge/embeddings.ts); this only turns one batch of texts into vectors.
 */
import OpenAI from 'openai';
import type { Embedder } from '../knowledge/embeddings.js';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  /** Per request. A visitor's query waits on it, so keep it short; ingest batches share it. */
  timeoutMs?: number;
  /** The SDK retries 429/5xx with backoff: fine here, an ingest can wait and a query falls back to lexical. */
  maxRetries?: number;
}

export function createOpenAIEmbedder({ apiKey, baseURL, model, timeoutMs = 10_000, maxRetries = 2 }: OpenAIEmbedderOptions): Embedder {
  const client = new OpenAI({ apiKey, baseURL, timeout: timeoutMs, maxRetries });
  return {
    model,
    async embed(texts, signal) {
      if (texts.length === 0) return [];
      // Empty strings are rejected by some providers; a space embeds as "nothing".
      const input = texts.map((t) => t || ' ');
      const response = await client.embeddings.create({ model, input }, { signal });
      const vectors: Float32Array[] = new Array(texts.length);
      for (const item of response.data) vectors[item.index] = Float32Array.from(item.embedding);
      if (vectors.some((v) => !v)) throw new Error(`the embeddings endpoint returned ${response.data.length} vectors for ${texts.length} texts`);
      return vectors;
    },
  };
}
