/**
 * Knowledge in the console (issue 14): the entries an admin writes in the console, and what the
 * console shows about every entry (from files or the console): where it came from, how often the
 * AI answered with it, its thumbs, the questions it answered.
 */

/** `zh` is Simplified Chinese (zh-CN). */
export type KnowledgeLanguage = 'en' | 'zh';

/** An entry written in the console, as stored. */
export interface ConsoleKnowledgeEntry {
  id: string;
  question: string;
  /** Other ways visitors ask it. */
  phrasings: string[];
  /** Markdown. */
  answer: string;
  lang: KnowledgeLanguage;
  tags: string[];
  url?: string;
  createdAt: number;
  updatedAt: number;
  /** Name of the agent who last saved it. */
  updatedBy: string;
  /** Bumped by every save: a save naming an older one is refused (`conflict`), not lost. */
  revision: number;
}

/** The fields an admin edits. */
export interface KnowledgeEntryInput {
  question: string;
  phrasings: string[];
  answer: string;
  lang: KnowledgeLanguage;
  tags: string[];
  url?: string;
  /** When editing: the revision the editor started from. */
  revision?: number;
}

/** How the AI used one entry: answers that cited it, and the visitors' thumbs on them. */
export interface KnowledgeUsage {
  entryId: string;
  answers: number;
  helpful: number;
  notHelpful: number;
  lastUsedAt: number | null;
}

/** A visitor question an entry answered. */
export interface KnowledgeQuestion {
  question: string;
  answeredAt: number;
  conversationId: string;
  feedback?: 'helpful' | 'not_helpful';
}

/** One row of the console's knowledge list. */
export interface KnowledgeListItem {
  /** The retrieval id: `<file>#<slug>` for files, `console#<id>` for console entries. */
  id: string;
  question: string;
  phrasings: string[];
  answer: string;
  lang: KnowledgeLanguage;
  tags: string[];
  url?: string;
  /** Where it came from: a file (path and heading; read-only) or the console (editable). */
  source: { type: 'file'; path: string; heading: string } | { type: 'console'; entry: ConsoleKnowledgeEntry };
  usage: KnowledgeUsage;
}

export const KNOWLEDGE_LIMITS = {
  questionChars: 300,
  phrasings: 30,
  answerChars: 20_000,
  tags: 20,
  tagChars: 50,
  urlChars: 2048,
  /** Console entries in all. */
  consoleEntries: 10_000,
} as const;

/** Console entries' ids in retrieval and sources, so they never collide with a file's. */
export const CONSOLE_ENTRY_PREFIX = 'console#';
