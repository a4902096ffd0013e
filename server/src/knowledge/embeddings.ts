/**
 * Entry embeddings, cached on disk so a restart or a re-index only embeds what changed: one
 * JSON Lines file per model under `DATA_DIR/embeddings/`, each line the SHA-256 of the embedded
 * text and its vector (base64 float32). The model name is part of the file name, so switching
 * models never mixes vectors of two models.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KnowledgeEntry } from './types.js';

/** Turns texts into vectors (an embeddings model). The OpenAI-compatible one is ai/openai-embedder.ts. */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Embedding inputs are cut here: models take a few thousand tokens, and the head says what an entry is about. */
const MAX_EMBED_CHARS = 4_000;
/** Texts per embeddings request. */
export const EMBED_BATCH = 64;

/**
 * What is embedded for an entry: its questions (the title, then its alternate phrasings) and
 * context first, then the answer. An entry without phrasings embeds the same text as before
 * they existed, so its cached vector stays valid.
 */
export function embeddingText(entry: KnowledgeEntry): string {
  const questions = [entry.title, ...(entry.phrasings ?? [])].join('\n');
  return `${questions}\n${entry.document}\n\n${entry.body}`.slice(0, MAX_EMBED_CHARS);
}

export function contentHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export interface EmbeddingCache {
  readonly file: string;
  get(hash: string): Float32Array | undefined;
  /** Adds vectors (appended to the file at once: an interrupted ingest keeps what it paid for). */
  put(items: { hash: string; vector: Float32Array }[]): Promise<void>;
  /** Rewrites the file with only these hashes, when most of it is stale. */
  compact(keep: ReadonlySet<string>): Promise<void>;
  readonly size: number;
}

export async function openEmbeddingCache(dataDir: string, model: string): Promise<EmbeddingCache> {
  const dir = path.join(dataDir, 'embeddings');
  const safe = model.replace(/[^\w.-]+/g, '_').slice(0, 60);
  const file = path.join(dir, `${safe}-${contentHash(model).slice(0, 8)}.jsonl`);
  await mkdir(dir, { recursive: true });
  const vectors = new Map<string, Float32Array>();
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const { h, v } = JSON.parse(line) as { h: string; v: string };
      vectors.set(h, decode(v));
    } catch {
      // A line cut by a crash mid-write: that entry is embedded again.
      continue;
    }
  }
  const line = (hash: string, vector: Float32Array) => `${JSON.stringify({ h: hash, v: encode(vector) })}\n`;

  return {
    file,
    get: (hash) => vectors.get(hash),
    get size() {
      return vectors.size;
    },
    async put(items) {
      if (items.length === 0) return;
      for (const { hash, vector } of items) vectors.set(hash, vector);
      await appendFile(file, items.map(({ hash, vector }) => line(hash, vector)).join(''));
    },
    async compact(keep) {
      const stale = [...vectors.keys()].filter((hash) => !keep.has(hash));
      if (stale.length <= keep.size) return;
      for (const hash of stale) vectors.delete(hash);
      const temp = `${file}.tmp`;
      await writeFile(temp, [...vectors].map(([hash, vector]) => line(hash, vector)).join(''));
      await rename(temp, file);
    },
  };
}

function encode(vector: Float32Array): string {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
}

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export interface EmbedEntriesOptions {
  embedder: Embedder;
  cache?: EmbeddingCache;
  batchSize?: number;
  /** Called after each batch with the entries done so far (cached ones count at once). */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** One vector per entry: from the cache when the text is unchanged, else embedded in batches. */
export async function embedEntries(
  entries: readonly KnowledgeEntry[],
  { embedder, cache, batchSize = EMBED_BATCH, onProgress, signal }: EmbedEntriesOptions,
): Promise<{ vectors: Float32Array[]; embedded: number }> {
  const texts = entries.map(embeddingText);
  const hashes = texts.map(contentHash);
  const vectors: (Float32Array | undefined)[] = hashes.map((hash) => cache?.get(hash));
  // Entries waiting on each missing text (two entries may share one).
  const waiting = new Map<string, number>();
  hashes.forEach((hash, i) => {
    if (!vectors[i]) waiting.set(hash, (waiting.get(hash) ?? 0) + 1);
  });
  const missing = [...waiting.keys()];
  const textOf = new Map(hashes.map((hash, i) => [hash, texts[i]!]));
  let done = entries.length - [...waiting.values()].reduce((a, b) => a + b, 0);
  onProgress?.(done, entries.length);
  const fresh = new Map<string, Float32Array>();
  for (let start = 0; start < missing.length; start += batchSize) {
    const batch = missing.slice(start, start + batchSize);
    const result = await embedder.embed(batch.map((hash) => textOf.get(hash)!), signal);
    if (result.length !== batch.length) throw new Error(`the embeddings model returned ${result.length} vectors for ${batch.length} texts`);
    const items = batch.map((hash, i) => ({ hash, vector: result[i]! }));
    for (const { hash, vector } of items) fresh.set(hash, vector);
    await cache?.put(items);
    for (const hash of batch) done += waiting.get(hash)!;
    onProgress?.(done, entries.length);
  }
  await cache?.compact(new Set(hashes));
  return {
    vectors: hashes.map((hash, i) => vectors[i] ?? fresh.get(hash)!),
    embedded: missing.length,
  };
}
