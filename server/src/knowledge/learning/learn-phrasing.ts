/**
 * Accepting visitors' questions as phrasings of existing entries (issue 14): the one code path
 * an admin's acceptance in the console takes, and the one `npm run eval -- --learn FILE` takes
 * (no HTTP: a store and a knowledge base in, the index rebuilt out).
 *
 * A console entry gets the phrasing in its own list (the admin sees and edits it there); an entry
 * from a file, read-only in the console, gets it in the store's learned phrasings, keyed by the
 * entry's stable id, which every process merges into the index at each build (the knowledge
 * base must be opened with `storeKnowledgeSources(store)`). Either write raises the store's
 * knowledge version, so the other processes re-index too.
 */
import { CONSOLE_ENTRY_PREFIX, KNOWLEDGE_LIMITS, type LearnedPhrasing } from '@support-chat/shared';
import { ChatError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import { loadConsoleEntries } from '../console-entries.js';
import type { KnowledgeBase, KnowledgeSnapshot } from '../knowledge-base.js';

export type LearningStore = Pick<Store, 'listKnowledgeEntries' | 'saveKnowledgeEntry' | 'listLearnedPhrasings' | 'addLearnedPhrasings'>;

export interface PhrasingToLearn {
  /** The entry's retrieval id: `<file>#<slug>` or `console#<id>`. */
  entryId: string;
  phrasing: string;
}

/** What a knowledge base needs to see the store's knowledge: console entries and learned phrasings. */
export function storeKnowledgeSources(store: Pick<Store, 'listKnowledgeEntries' | 'listLearnedPhrasings'>) {
  return {
    consoleEntries: () => loadConsoleEntries(store),
    learnedPhrasings: () => store.listLearnedPhrasings(),
  };
}

/**
 * Adds every phrasing to its entry and re-indexes once. Phrasings an entry already has are
 * skipped; an unknown entry is `not_found`. Returns how many were new, and the index they are in.
 */
export async function learnPhrasings(
  { store, knowledge }: { store: LearningStore; knowledge: Pick<KnowledgeBase, 'entries' | 'reload'> },
  phrasings: readonly PhrasingToLearn[],
  { by, at = Date.now(), reason = 'phrasings learned' }: { by: string; at?: number; reason?: string },
): Promise<{ added: number; snapshot: KnowledgeSnapshot | null }> {
  const entries = new Map(knowledge.entries.map((e) => [e.id, e]));
  const fromFiles: LearnedPhrasing[] = [];
  const forConsole = new Map<string, string[]>();
  for (const item of phrasings) {
    const phrasing = oneLine(item.phrasing);
    const entry = entries.get(item.entryId);
    if (!entry) throw new ChatError('not_found', `No knowledge entry ${item.entryId}: it was deleted or its file changed.`);
    if (!phrasing) continue;
    const known = [entry.title, ...(entry.phrasings ?? [])].map((q) => q.toLowerCase());
    if (known.includes(phrasing.toLowerCase())) continue;
    if (item.entryId.startsWith(CONSOLE_ENTRY_PREFIX)) {
      const id = item.entryId.slice(CONSOLE_ENTRY_PREFIX.length);
      forConsole.set(id, [...(forConsole.get(id) ?? []), phrasing]);
    } else {
      fromFiles.push({ entryId: item.entryId, phrasing, addedAt: at, addedBy: by });
    }
  }
  let added = await store.addLearnedPhrasings(fromFiles);
  if (forConsole.size > 0) {
    const stored = new Map((await store.listKnowledgeEntries()).map((e) => [e.id, e]));
    for (const [id, extra] of forConsole) {
      const entry = stored.get(id);
      if (!entry) throw new ChatError('not_found', `No knowledge entry ${CONSOLE_ENTRY_PREFIX}${id}: it was deleted.`);
      const lower = new Set(entry.phrasings.map((p) => p.toLowerCase()));
      const fresh = [...new Set(extra)].filter((p) => !lower.has(p.toLowerCase()));
      if (fresh.length === 0) continue;
      if (entry.phrasings.length + fresh.length > KNOWLEDGE_LIMITS.phrasings) {
        throw new ChatError('too_large', `“${entry.question}” has ${entry.phrasings.length} phrasings; an entry holds at most ${KNOWLEDGE_LIMITS.phrasings}. Edit it first.`);
      }
      const { createdAt: _c, revision, ...fields } = entry;
      // Against the revision just read: an admin's edit meanwhile is not overwritten (`conflict`).
      await store.saveKnowledgeEntry({ ...fields, phrasings: [...entry.phrasings, ...fresh], updatedAt: at, updatedBy: by }, { expectRevision: revision });
      added += fresh.length;
    }
  }
  if (added === 0) return { added, snapshot: null };
  return { added, snapshot: await knowledge.reload(reason) };
}

/** Accepts one visitor question as a phrasing of one entry (the console's acceptance). */
export function learnPhrasing(
  deps: { store: LearningStore; knowledge: Pick<KnowledgeBase, 'entries' | 'reload'> },
  item: PhrasingToLearn,
  options: { by: string; at?: number },
): Promise<{ added: number; snapshot: KnowledgeSnapshot | null }> {
  return learnPhrasings(deps, [item], { ...options, reason: `phrasing learned for ${item.entryId}` });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, KNOWLEDGE_LIMITS.questionChars);
}
