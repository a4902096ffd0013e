/**
 * Knowledge in the console (issue 14): the entries an admin writes in the console, and what the
 * console shows about every entry (from files or the console): where it came from, how often the
 * AI answered with it, its thumbs, the questions it answered.
 */

/** `zh` is Simplified Chinese (zh-CN). */
export type KnowledgeLanguage = 'en' | 'zh';

/** What every entry has, wherever it comes from and whoever edits it. */
export interface KnowledgeEntryFields {
  question: string;
  /** Other ways visitors ask it. */
  phrasings: string[];
  /** Markdown. */
  answer: string;
  lang: KnowledgeLanguage;
  tags: string[];
  url?: string;
}

/** An entry written in the console, as stored. */
export interface ConsoleKnowledgeEntry extends KnowledgeEntryFields {
  id: string;
  createdAt: number;
  updatedAt: number;
  /** Name of the agent who last saved it. */
  updatedBy: string;
  /** Bumped by every save: a save naming an older one is refused (`conflict`), not lost. */
  revision: number;
}

/** The fields an admin edits. */
export interface KnowledgeEntryInput extends KnowledgeEntryFields {
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
export interface KnowledgeListItem extends KnowledgeEntryFields {
  /** The retrieval id: `<file>#<slug>` for files, `console#<id>` for console entries. */
  id: string;
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

/**
 * Learning from conversations (issue 14): when an agent answers a question the AI could not
 * answer, or corrects an AI answer, the server proposes a knowledge change an admin reviews.
 * - `entry`: a new console entry (the visitor's question, the agent's answer);
 * - `phrasing`: the visitor's question as another phrasing of an existing entry (the one the
 *   agent's answer came from).
 */
export type KnowledgeProposalKind = 'entry' | 'phrasing';
export type KnowledgeProposalStatus = 'open' | 'accepted' | 'rejected';
/** What made the proposal: the AI could not answer, a thumbs down, or an agent took over after an AI answer. */
export type KnowledgeProposalTrigger = 'gap' | 'thumbs_down' | 'takeover';

/** One conversation a proposal was made from (near-duplicates add theirs to one proposal). */
export interface KnowledgeProposalExample {
  question: string;
  answer: string;
  conversationId: string;
  agentName: string;
  trigger: KnowledgeProposalTrigger;
  at: number;
}

export interface KnowledgeProposal {
  id: string;
  kind: KnowledgeProposalKind;
  status: KnowledgeProposalStatus;
  /** The question of the new entry, or the new phrasing. */
  question: string;
  /** The new entry's answer (Markdown); empty for a phrasing. */
  answer: string;
  lang: KnowledgeLanguage;
  /** For a phrasing: the retrieval id of the entry it joins (`<file>#<slug>` or `console#<id>`) and its question. */
  entryId?: string;
  entryQuestion?: string;
  trigger: KnowledgeProposalTrigger;
  /** How many conversations asked it (near-duplicates merged). */
  count: number;
  /** The latest few of them, oldest first. */
  examples: KnowledgeProposalExample[];
  createdAt: number;
  updatedAt: number;
  decidedAt?: number;
  /** The admin who accepted or rejected it. */
  decidedBy?: string;
}

/** A phrasing an admin accepted for an entry, kept in the store by the entry's retrieval id (file entries included). */
export interface LearnedPhrasing {
  entryId: string;
  phrasing: string;
  addedAt: number;
  addedBy: string;
}

/** The unanswered questions of a period, the same question in other words counted once. */
export interface KnowledgeGapGroup {
  /** The wording asked most recently. */
  question: string;
  count: number;
  lastAskedAt: number;
  conversationId: string;
  /** The other wordings merged into it (at most a few). */
  variants: string[];
  /**
   * The entry that answers it now (written, or a proposal accepted, since it was asked), as the
   * offline responder decides at the visitors' thresholds; absent while it is still a gap.
   */
  answeredBy?: { entryId: string; title: string };
}

export const PROPOSAL_LIMITS = {
  /** Examples kept per proposal (the newest). */
  examples: 5,
  exampleAnswerChars: 4000,
  /** Open proposals read when merging a new one and listed in the console. */
  open: 500,
} as const;
