/**
 * Knowledge written in the console (issue 14): stored in the `Store`, so every process of a site
 * sees the same entries, and indexed with the folder's files. Each process polls the store's
 * knowledge version (one row) and re-indexes when it moved; the process that saved an entry
 * re-indexes at once.
 */
import { CONSOLE_ENTRY_PREFIX, type ConsoleKnowledgeEntry } from '@support-chat/shared';
import type { Store } from '../store/types.js';
import type { KnowledgeBase } from './knowledge-base.js';
import type { KnowledgeEntry } from './types.js';

/** The document console entries belong to (the context field of retrieval, the export's title). */
export const CONSOLE_DOCUMENT = 'Console entries';

export function fromConsoleEntry(entry: ConsoleKnowledgeEntry): KnowledgeEntry {
  return {
    id: `${CONSOLE_ENTRY_PREFIX}${entry.id}`,
    title: entry.question,
    ...(entry.phrasings.length > 0 ? { phrasings: entry.phrasings } : {}),
    body: entry.answer,
    lang: entry.lang,
    ...(entry.url ? { url: entry.url } : {}),
    tags: entry.tags,
    document: CONSOLE_DOCUMENT,
  };
}

export async function loadConsoleEntries(store: Pick<Store, 'listKnowledgeEntries'>): Promise<KnowledgeEntry[]> {
  return (await store.listKnowledgeEntries()).map(fromConsoleEntry);
}

/**
 * Re-indexes `knowledge` whenever the store's knowledge version moves (another process saved or
 * deleted an entry). The version is read before the re-index reads the entries, so a change
 * during a build moves it again and brings another build. Returns a stop function.
 */
export function followConsoleEntries({
  store,
  knowledge,
  intervalMs = 500,
  onError,
}: {
  store: Pick<Store, 'knowledgeVersion'>;
  knowledge: Pick<KnowledgeBase, 'reload'>;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): () => void {
  let seen: number | undefined;
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const version = await store.knowledgeVersion();
      if (seen !== undefined && version !== seen) await knowledge.reload('console entries changed');
      seen = version;
    } catch (error) {
      onError?.(error);
    } finally {
      running = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The console's entries as one Markdown file in the format the knowledge loader reads
 * (markdown-source.ts): each entry a `##` section with its phrasings, language, tags and URL on
 * the lines under the heading. Dropped into the knowledge folder, it loads as the same entries.
 */
export function exportConsoleMarkdown(entries: readonly ConsoleKnowledgeEntry[]): string {
  const lines = ['---', `title: ${CONSOLE_DOCUMENT}`, '---', '', `# ${CONSOLE_DOCUMENT}`, ''];
  for (const entry of entries) {
    lines.push(`## ${entry.question}`);
    for (const phrasing of entry.phrasings) lines.push(`Also asked: ${phrasing}`);
    lines.push(`Lang: ${entry.lang}`);
    if (entry.tags.length > 0) lines.push(`Tags: ${entry.tags.join(', ')}`);
    if (entry.url) lines.push(`URL: ${entry.url}`);
    lines.push('', entry.answer.trim(), '');
  }
  return lines.join('\n');
}
