/**
 * The knowledge the server answers from, as one long-lived object: the responders, the help pages
 * and the admin API hold the `KnowledgeBase`, never an index, so a re-index (a file changed, or
 * an admin asked) swaps what all of them see at once, without a restart.
 *
 * A rebuild that fails (the folder vanished, the embeddings endpoint is down) keeps serving the
 * previous index; a search never sees a half-built one.
 */
import { watch, type FSWatcher } from 'node:fs';
import { createAnalyzer, createThesaurus, type Analyzer } from './analyzer.js';
import { createKnowledgeIndexAsync, type KnowledgeIndex } from './bm25-index.js';
import { createDenseIndexAsync, createHybridRetriever } from './dense.js';
import { embedEntries, type Embedder, type EmbeddingCache } from './embeddings.js';
import { loadKnowledgeDir } from './markdown-source.js';
import type { KnowledgeEntry, RetrievalHit, Retriever, SearchOptions } from './types.js';

export interface KnowledgeSnapshot {
  entries: readonly KnowledgeEntry[];
  warnings: readonly string[];
  lexical: KnowledgeIndex;
  /** The analyzer the lexical index ran (built-in and company synonyms). */
  analyze: Analyzer;
  /** The same, for comparing questions (learning/similarity.ts): Chinese function words left out. */
  compare: Analyzer;
  /** The lexical index, or lexical + dense fused when an embedder is configured. */
  retriever: Retriever;
  /** Synonym groups in use: the built-in ones and the company's. */
  synonymGroups: number;
  /** Entries that had to be embedded for this build (the rest came from the cache). */
  embedded: number;
  builtAt: number;
  buildMs: number;
}

export interface BuildOptions {
  /** The company's synonym groups (its synonyms.txt), added to the built-in ones. */
  synonyms?: readonly (readonly string[])[];
  embedder?: Embedder;
  cache?: EmbeddingCache;
  onProgress?: (done: number, total: number) => void;
  /** Told when embedding a visitor's query fails (the search falls back to lexical). */
  onQueryError?: (error: unknown) => void;
  signal?: AbortSignal;
  /** Entries kept outside the folder (written in the console, issue 14), indexed with the files. */
  consoleEntries?: () => Promise<KnowledgeEntry[]>;
  /**
   * Phrasings an admin accepted from conversations (issue 14), kept in the store by entry id and
   * added to the entries (from files too) at every build, so every process indexes them.
   */
  learnedPhrasings?: () => Promise<readonly { entryId: string; phrasing: string }[]>;
}

/** Loads a knowledge folder and indexes it (and embeds it, when an embedder is given). */
export async function buildKnowledge(dir: string, options: BuildOptions = {}): Promise<KnowledgeSnapshot> {
  const started = performance.now();
  const { entries, warnings, synonyms } = await loadKnowledgeDir(dir);
  return buildFromEntries(entries, warnings, { ...options, synonyms: [...(options.synonyms ?? []), ...synonyms] }, started);
}

/**
 * Indexes entries given in memory (a labelled set's knowledge base, for the eval) together with
 * the store's console entries and learned phrasings, exactly as `buildKnowledge` does a folder's.
 */
export async function buildFromEntries(
  entries: readonly KnowledgeEntry[],
  warnings: readonly string[],
  options: BuildOptions = {},
  started = performance.now(),
): Promise<KnowledgeSnapshot> {
  // Copies: mergePhrasings replaces entries, and the caller's list is read again at every build.
  const all = [...entries];
  const notes = [...warnings];
  if (options.consoleEntries) all.push(...(await options.consoleEntries()));
  if (options.learnedPhrasings) notes.push(...mergePhrasings(all, await options.learnedPhrasings()));
  return indexKnowledge(all, notes, options, started);
}

export async function indexKnowledge(
  entries: KnowledgeEntry[],
  warnings: string[],
  { synonyms = [], embedder, cache, onProgress, onQueryError, signal }: Omit<BuildOptions, 'consoleEntries' | 'learnedPhrasings'> = {},
  started = performance.now(),
): Promise<KnowledgeSnapshot> {
  const thesaurus = createThesaurus(synonyms);
  // In slices: the server keeps chatting while it re-indexes a changed folder.
  const analyze = createAnalyzer(thesaurus);
  const lexical = await createKnowledgeIndexAsync(entries, { analyze });
  let retriever: Retriever = lexical;
  let embedded = 0;
  if (embedder && entries.length > 0) {
    const result = await embedEntries(entries, { embedder, cache, onProgress, signal });
    embedded = result.embedded;
    retriever = createHybridRetriever({ entries, lexical, dense: await createDenseIndexAsync(result.vectors), embedder, onQueryError });
  }
  return { entries, warnings, lexical, analyze, compare: createAnalyzer(thesaurus, 'compare'), retriever, synonymGroups: thesaurus.groupCount, embedded, builtAt: Date.now(), buildMs: performance.now() - started };
}

/**
 * Adds each learned phrasing to its entry (once: not when the entry already asks it that way).
 * A phrasing whose entry is gone (its heading renamed, its file removed) is kept in the store but
 * not indexed; the warnings say which, once per entry.
 */
export function mergePhrasings(entries: KnowledgeEntry[], learned: readonly { entryId: string; phrasing: string }[]): string[] {
  const byId = new Map(entries.map((entry, i) => [entry.id, i]));
  const missing = new Set<string>();
  for (const { entryId, phrasing } of learned) {
    const i = byId.get(entryId);
    if (i === undefined) {
      missing.add(entryId);
      continue;
    }
    const entry = entries[i]!;
    const known = [entry.title, ...(entry.phrasings ?? [])].map((q) => q.trim().toLowerCase());
    if (known.includes(phrasing.trim().toLowerCase())) continue;
    // A copy: the entry objects may be shared with the previous snapshot.
    entries[i] = { ...entry, phrasings: [...(entry.phrasings ?? []), phrasing] };
  }
  return [...missing].map((id) => `learned phrasings of ${id}: no such entry any more (its file or heading changed); not indexed`);
}

export interface KnowledgeBaseOptions extends Omit<BuildOptions, 'onProgress' | 'signal'> {
  dir: string;
  /** Quiet time after the last file event before a re-index (editors write in bursts). */
  debounceMs?: number;
  onReload?: (snapshot: KnowledgeSnapshot, reason: string) => void;
  onError?: (error: unknown, reason: string) => void;
}

export class KnowledgeBase implements Retriever {
  private running: Promise<KnowledgeSnapshot> | null = null;
  private pending: Promise<KnowledgeSnapshot> | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private current: KnowledgeSnapshot,
    private readonly options: KnowledgeBaseOptions,
    /** The fixed entries of `fromEntries` without a folder: what every rebuild starts from. */
    private readonly fixed: readonly KnowledgeEntry[] | null = null,
  ) {}

  /** Loads the folder once; call `watch()` to follow changes. */
  static async open(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
    return new KnowledgeBase(await buildKnowledge(options.dir, options), options);
  }

  /**
   * A fixed set of entries (tests, embedding hosts, the eval's labelled sets): `reload` reads `dir`
   * if one was given, else re-indexes these entries with the store's console entries and learned
   * phrasings (when `consoleEntries` / `learnedPhrasings` are given), as a folder's would be.
   */
  static async fromEntries(entries: KnowledgeEntry[], options: Partial<KnowledgeBaseOptions> = {}): Promise<KnowledgeBase> {
    const fixed = options.dir ? null : [...entries];
    return new KnowledgeBase(await buildFromEntries(entries, [], options), { dir: '', ...options }, fixed);
  }

  get snapshot(): KnowledgeSnapshot {
    return this.current;
  }

  get entries(): readonly KnowledgeEntry[] {
    return this.current.entries;
  }

  get size(): number {
    return this.current.entries.length;
  }

  get dir(): string {
    return this.options.dir;
  }

  search(query: string, options?: SearchOptions): RetrievalHit[] | Promise<RetrievalHit[]> {
    return this.current.retriever.search(query, options);
  }

  /**
   * Re-reads the folder and swaps the index in. Calls during a rebuild share one follow-up
   * rebuild, so a burst of requests costs at most two builds and the last one sees every change.
   */
  reload(reason = 'manual'): Promise<KnowledgeSnapshot> {
    if (!this.running) return this.build(reason);
    // The build under way may have read the folder before this change: one more after it.
    this.pending ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.pending = null;
        return this.build(reason);
      });
    return this.pending;
  }

  private build(reason: string): Promise<KnowledgeSnapshot> {
    const run = (async () => {
      try {
        const next = this.fixed ? await buildFromEntries(this.fixed, [], this.options) : await buildKnowledge(this.options.dir, this.options);
        this.current = next;
        this.options.onReload?.(next, reason);
        return next;
      } catch (error) {
        this.options.onError?.(error, reason);
        throw error;
      }
    })().finally(() => {
      this.running = null;
    });
    this.running = run;
    return run;
  }

  /** Re-indexes when a file under the folder changes, debounced. Returns a stop function. */
  watch(): () => void {
    if (this.watcher) return () => this.unwatch();
    const { debounceMs = 300 } = this.options;
    this.watcher = watch(this.options.dir, { recursive: true }, (_event, file) => {
      if (file && /(^|[\\/])\.|~$|\.swp$/.test(String(file))) return; // editor temp files
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reload(`file changed: ${file ?? '?'}`).catch(() => undefined); // reported through onError
      }, debounceMs);
    });
    this.watcher.on('error', (error) => this.options.onError?.(error, 'watch'));
    return () => this.unwatch();
  }

  private unwatch(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = null;
  }

  close(): void {
    this.unwatch();
  }
}
