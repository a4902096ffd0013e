/**
 * Canned replies in the composer: the agent types "/" and a name, picks one from a filtered list,
 * and its text replaces what they typed. Pure text functions; the popup is in the composer.
 */
import type { CannedReply } from '@support-chat/shared';

export interface SlashQuery {
  /** Where the "/" is. */
  start: number;
  /** The caret: the query runs from `start + 1` to here. */
  end: number;
  /** What follows the "/", lowercased. */
  query: string;
}

/**
 * The "/name" being typed at the caret, if any: a "/" at the start of the text or after
 * whitespace, followed only by shortcut characters (so "and/or" and URLs do not open the list).
 */
export function slashQueryAt(text: string, caret: number): SlashQuery | null {
  const before = text.slice(0, caret);
  // The characters of CANNED_SHORTCUT_RULE (an empty query lists them all).
  const match = /(?:^|\s)\/([\p{L}\p{M}\p{N}-]{0,40})$/iu.exec(before);
  if (!match) return null;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, end: caret, query: query.toLowerCase() };
}

/** Shortcuts starting with the query first, then containing it, then replies whose text does. */
export function matchCanned(replies: readonly CannedReply[], query: string, limit = 8): CannedReply[] {
  const q = query.toLowerCase();
  const rank = (r: CannedReply): number => {
    if (r.shortcut.startsWith(q)) return 0;
    if (r.shortcut.includes(q)) return 1;
    return q && r.text.toLowerCase().includes(q) ? 2 : 3;
  };
  return replies
    .map((r) => ({ r, rank: rank(r) }))
    .filter((x) => x.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.r.shortcut.localeCompare(b.r.shortcut))
    .slice(0, limit)
    .map((x) => x.r);
}

/** The text with "/query" replaced by the reply, and where the caret goes after it. */
export function insertCanned(text: string, slash: SlashQuery, reply: Pick<CannedReply, 'text'>): { text: string; caret: number } {
  const head = text.slice(0, slash.start);
  const tail = text.slice(slash.end);
  const inserted = reply.text + (tail.startsWith(' ') || tail === '' ? '' : ' ');
  return { text: head + inserted + tail, caret: head.length + inserted.length };
}

/** Index after moving `step` in a list of `length` items, wrapping around (arrow keys). */
export function cycle(index: number, step: 1 | -1, length: number): number {
  if (length === 0) return 0;
  return (index + step + length) % length;
}
