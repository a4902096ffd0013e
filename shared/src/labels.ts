/**
 * Conversation labels (issue 13): short tags such as `billing` or `退款` that agents, routing
 * rules and integrations put on a conversation, and that the inbox, reports and the REST API
 * filter by.
 *
 * Free labels with one normal form, as Chatwoot writes its label titles (lowercase; letters of
 * any script, digits, "-" and "_"; Chatwoot keeps an admin list mainly for colours and its
 * sidebar): "Billing", "billing " and "ＢＩＬＬＩＮＧ" are one label, so filters and reports never
 * split a label by how someone typed it, and a rule or an integration can add a label without an
 * admin creating it first. The colour is derived from the name (`labelHue`), the same on every
 * screen; the console offers the labels already in use so agents reuse them rather than coin
 * near-duplicates.
 */
import type { ConversationStatus } from './model.js';

export const LABEL_LIMITS = {
  /** Characters in one label (after normalising). */
  chars: 32,
  /** Labels on one conversation. */
  perConversation: 10,
  /** Labels one command adds or removes at once. */
  perChange: 10,
} as const;

/** Letters (any script), digits, "-" and "_"; no spaces, no punctuation (what Chatwoot allows). */
export const LABEL_PATTERN = /^[\p{L}\p{N}_-]+$/u;

/**
 * The label's one spelling: NFKC (full-width letters become ASCII), trimmed, lowercase, runs of
 * spaces as one "-". The result still has to pass `labelProblem`.
 */
export function normaliseLabel(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '-');
}

/** What is wrong with a normalised label, for the error message; null when it is a label. */
export function labelProblem(label: string): string | null {
  if (label.length === 0) return 'must not be empty';
  if ([...label].length > LABEL_LIMITS.chars) return `must be at most ${LABEL_LIMITS.chars} characters`;
  if (!LABEL_PATTERN.test(label)) return 'may only contain letters, digits, "-" and "_"';
  return null;
}

/** A hue (0–359) from the label's name: each label keeps its colour without an admin picking one. */
export function labelHue(label: string): number {
  let hash = 0;
  for (const ch of label) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return hash % 360;
}

/** A label and how many conversations carry it (the console's suggestions and filter). */
export interface LabelCount {
  label: string;
  conversations: number;
}

/** One of the visitor's other conversations, as the console's history list shows it. */
export interface ConversationHistoryItem {
  id: string;
  status: ConversationStatus;
  createdAt: number;
  closedAt?: number;
  /** The visitor's first message (clipped), or absent when they never wrote. */
  firstQuestion?: string;
  labels: string[];
  /** Why it is listed: the same browser (`visitor`) or the same signed-in user on another device (`user`). */
  match: 'visitor' | 'user';
}
