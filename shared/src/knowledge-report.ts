/** The console's knowledge report (issue 14): how the AI used each entry over a date range. */

/** One entry's AI answers in the range. */
export interface KnowledgeEntryOutcome {
  entryId: string;
  /** The entry's question, when it is still in the knowledge base. */
  title?: string;
  answers: number;
  /** Answers the visitor accepted: no thumbs down, no hand-off to a person after them. */
  accepted: number;
  notHelpful: number;
}

export interface KnowledgeReport {
  from: number;
  to: number;
  timeZone: string;
  /** AI answers from knowledge (each message once, whatever number of entries it cites). */
  answers: number;
  accepted: number;
  /** accepted / answers; null without answers. */
  acceptedShare: number | null;
  /** Entries by answers, most first (at most KNOWLEDGE_REPORT_LIMITS.entries). */
  perEntry: KnowledgeEntryOutcome[];
  /** Entries with a thumbs down, most first. */
  mostThumbsDown: KnowledgeEntryOutcome[];
  /** Entries of the knowledge base no AI answer cited in the range: how many, and the first of them. */
  neverUsed: { count: number; entries: { entryId: string; title: string }[] };
  /** Questions the AI could not answer, per week (weeks start on Monday, in the report's time zone). */
  gapsByWeek: { weekStart: string; count: number }[];
}

export const KNOWLEDGE_REPORT_LIMITS = { entries: 50, thumbsDown: 10, neverUsed: 50 } as const;
