/**
 * Canned replies in the composer: the agent types "/" and a name, picks one from a filtered list,
 * and its text replaces what they typed. Pure text functions; the popup is in the composer.
 */
import type { AgentConversation, AgentProfile, CannedReply } from '@support-chat/shared';

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

/** What a canned reply's placeholders stand for in one conversation; absent when not known. */
export interface PlaceholderValues {
  'visitor.name'?: string;
  'visitor.first_name'?: string;
  'visitor.email'?: string;
  'agent.name'?: string;
}

/** The placeholders a canned reply may hold, as the admin page lists them. */
export const PLACEHOLDERS = ['visitor.name', 'visitor.first_name', 'visitor.email', 'agent.name'] as const;

const isPlaceholder = (name: string): name is keyof PlaceholderValues => (PLACEHOLDERS as readonly string[]).includes(name);

/**
 * A placeholder, with the one space before it (left out with an unknown value). No two
 * quantifiers take the same characters (the fallback is trimmed after): with `\s*([^{}]*?)\s*`
 * an unclosed one before 4,000 spaces took 12 s (a review).
 */
const PLACEHOLDER = /( ?)\{\{\s*([a-z_.]+)\s*(?:\|([^{}]*))?\}\}/gi;

/**
 * A canned reply with its placeholders filled for this conversation: `{{visitor.name}}`,
 * `{{visitor.first_name}}`, `{{visitor.email}}`, `{{agent.name}}`, and a fallback after a bar
 * for a value not known (`{{visitor.first_name | there}}`). Without one, an unknown value is
 * left out along with the space before it ("Hi {{visitor.name}}, …" reads "Hi, …"). Anything
 * else in braces is left as written. Filled when inserted, so the agent sees the words sent
 * (a support team's probe: `{{visitor.name}}` reached the visitor as written).
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, space: string, name: string, fallback: string | undefined) => {
    const key = name.toLowerCase();
    if (!isPlaceholder(key)) return whole;
    const value = values[key]?.trim() || fallback?.trim();
    return value ? space + value : '';
  });
}

/** The placeholders in `text` that are not ones `fillPlaceholders` knows, as written (the admin form refuses them). */
export function unknownPlaceholders(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(/\{\{\s*([^{}|\s]*)[^{}]*\}\}/g)) {
    if (!isPlaceholder(match[1]!.toLowerCase())) unknown.add(match[0]);
  }
  return [...unknown];
}

/** The values of this conversation's placeholders: the visitor's name as the console shows it, never an id. */
export function placeholderValues(
  { context: { verified, attributes = {} }, leftMessage }: Pick<AgentConversation, 'context' | 'leftMessage'>,
  agent: Pick<AgentProfile, 'name'>,
): PlaceholderValues {
  const name = verified?.name?.trim() || attributes['name']?.trim() || leftMessage?.name?.trim() || undefined;
  const email = verified?.email || attributes['email']?.trim() || leftMessage?.email || undefined;
  return {
    'visitor.name': name,
    // A Chinese name's first word is the family name ("王 小明"): the whole name, then.
    'visitor.first_name': name && /\p{Script=Han}/u.test(name) ? name : name?.split(/\s+/)[0],
    'visitor.email': email,
    'agent.name': agent.name,
  };
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
