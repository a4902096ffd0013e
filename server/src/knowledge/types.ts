/**
 * The company's knowledge as the AI sees it: entries (one FAQ question or one article section),
 * and a retriever that ranks them for a visitor's question.
 */
export type KnowledgeLang = 'en' | 'zh';

export interface KnowledgeEntry {
  /** Stable across restarts: `<file path relative to the knowledge dir>#<slug or row id>`. */
  id: string;
  /** The question (FAQ) or section heading (article). */
  title: string;
  /**
   * Other ways visitors ask the same question (issue 14). Retrieval treats each as another
   * question of the entry: matching one counts like matching the title.
   */
  phrasings?: string[];
  /** The answer, Markdown. */
  body: string;
  lang: KnowledgeLang;
  /** Where a visitor can read more (shown as the source link). */
  url?: string;
  tags: string[];
  /** The article title for sections of an article; the file name for FAQ files. */
  document: string;
}

export interface RetrievalHit {
  entry: KnowledgeEntry;
  /** Higher is better; comparable only within one query. */
  score: number;
  /**
   * 0–1 and, unlike `score`, comparable across queries: how sure the retriever is that this
   * entry, rather than another, answers the query. Responders hold it against their thresholds;
   * a retriever that cannot tell leaves it out (responders then treat the hit as unsure).
   */
  confidence?: number;
}

export interface SearchOptions {
  limit?: number;
  /** Prefer entries in this language (the visitor's); others may still appear. */
  lang?: KnowledgeLang;
  /** Aborts a search that waits on the network (embedding the query). */
  signal?: AbortSignal;
  /** By the words alone: never embeds the query (the lexical confidence is all the caller reads). */
  lexicalOnly?: boolean;
}

/**
 * Ranks entries for a query. The lexical index answers synchronously; a retriever that embeds the
 * query (dense vectors) answers with a promise. Callers `await` either.
 */
export interface Retriever {
  search(query: string, options?: SearchOptions): RetrievalHit[] | Promise<RetrievalHit[]>;
  /** Number of indexed entries. */
  readonly size: number;
}

/** A retriever that never waits: the lexical index. */
export interface SyncRetriever extends Retriever {
  search(query: string, options?: SearchOptions): RetrievalHit[];
}
