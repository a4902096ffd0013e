/**
 * Pure formatting for the agent console: labels, times, provenance, in the console's language
 * (i18n/locale.ts). No DOM, no Lit, so it is unit-tested in node.
 */
import type {
  AgentConversation,
  ChatMessage,
  ConversationStatus,
  HandoffReason,
  MessageAuthor,
  PresenceStatus,
  SystemEvent,
} from '@support-chat/shared';
import { date, fill, num, plural, t, clock } from './i18n/locale.js';

type Named = Pick<AgentConversation, 'visitorId' | 'context' | 'leftMessage'>;

/**
 * The signed-in user's name or email (verified), else what the page passed with identify(), else
 * what the visitor wrote when leaving a message, else a short, stable slice of the visitor id.
 */
export function visitorLabel(conversation: Named): string {
  return claimedName(conversation) || fill(t().labels.visitor, { id: conversation.visitorId.slice(-6) });
}

/**
 * Whose word `visitorLabel`'s name is: a signed-in user's (`verified`), or the browser's
 * (`unverified`: identify() or the leave-a-message form, which anyone can fill with any name);
 * null when it is only the visitor id. Agents must tell "Alice" from someone calling themselves Alice.
 */
export function nameTrust(conversation: Named): 'verified' | 'unverified' | null {
  const { verified } = conversation.context;
  if (verified?.name || verified?.email) return 'verified';
  return claimedName(conversation) ? 'unverified' : null;
}

function claimedName({ context: { verified, attributes = {} }, leftMessage }: Named): string | undefined {
  return (
    verified?.name ||
    verified?.email ||
    attributes['name']?.trim() ||
    attributes['email']?.trim() ||
    leftMessage?.name?.trim() ||
    leftMessage?.email ||
    undefined
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min", "3 h", "2 d", then a date. Future times (clock skew) read as "just now". */
export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  const s = t().labels;
  if (ago < MINUTE) return s.justNow;
  if (ago < HOUR) return fill(s.minutesAgo, { n: Math.floor(ago / MINUTE) });
  if (ago < DAY) return fill(s.hours, { n: Math.floor(ago / HOUR) });
  if (ago < 7 * DAY) return fill(s.days, { n: Math.floor(ago / DAY) });
  return date(at);
}

/** `relativeTime` in a sentence: "5 min ago", but "just now". */
export function ago(at: number, now: number): string {
  const when = relativeTime(at, now);
  return now - at < MINUTE ? when : fill(t().labels.ago, { when });
}

/** A wait as "45 s", "4 min", "1 h 05 min". */
export function duration(ms: number): string {
  const safe = Math.max(0, ms);
  const s = t().labels;
  if (safe < MINUTE) return fill(s.seconds, { n: Math.floor(safe / 1000) });
  if (safe < HOUR) return fill(s.minutes, { n: Math.floor(safe / MINUTE) });
  const hours = Math.floor(safe / HOUR);
  const minutes = Math.floor((safe % HOUR) / MINUTE);
  return fill(s.hoursMinutes, { h: hours, min: num(minutes, { minimumIntegerDigits: 2 }) });
}

export function clockTime(at: number): string {
  return clock(at);
}

/** "Queued", "排队中": read when rendered, so a language switch shows at once. */
export function statusLabel(status: ConversationStatus): string {
  return t().labels.status[status];
}

export function presenceLabel(status: PresenceStatus): string {
  return t().labels.presence[status];
}

function authorLabel(author: MessageAuthor): string {
  return t().labels.author[author];
}

/** One line for the inbox row: who spoke last and what they said, whitespace collapsed. */
export function lastMessagePreview(conversation: AgentConversation, maxChars = 90): string {
  const last = conversation.lastMessage;
  if (!last) return t().labels.noMessages;
  const source = last.author === 'visitor' ? last.text : stripMarkdown(last.text);
  const text = source.replace(/\s+/g, ' ').trim();
  const clipped = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  const s = t().labels;
  const who = last.kind === 'note' ? s.notePrefix : last.author === 'visitor' ? '' : fill(s.authorPrefix, { author: authorLabel(last.author) });
  return `${who}${clipped}`;
}

/**
 * The Markdown markers a one-line preview should not show (AI, agent and note text is Markdown;
 * a visitor's is shown as typed). Single `*` and `_` stay: too often part of the text itself.
 */
function stripMarkdown(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)\s]*\)/g, '$1')
    .replace(/\*\*|__|~~|`+/g, '')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+)/gm, '');
}

export function systemEventText(event: SystemEvent): string {
  const s = t().labels;
  switch (event.type) {
    case 'queued':
      return s.evQueued;
    case 'assigned':
      return fill(s.evAssigned, { name: event.agentName });
    case 'transferred':
      return fill(s.evTransferred, { name: event.agentName });
    case 'returned_to_ai':
      return s.evReturned;
    case 'closed':
      return s.closedBy[event.by];
  }
}

/** "offline · 2 sources · 12 ms", prefixed "AI could not answer · " when it offered a person. */
export function provenanceSummary(message: Pick<ChatMessage, 'provenance' | 'sources'>): string {
  const p = message.provenance;
  if (!p) return '';
  const count = message.sources?.length ?? p.passageIds.length;
  const s = t().labels;
  const parts = [
    p.model ? `${s.responder[p.responder]} ${p.model}` : s.responder[p.responder],
    plural(s.sources, count),
    fill(s.ms, { n: Math.round(p.latencyMs) }),
  ];
  if (p.promptTokens !== undefined || p.completionTokens !== undefined) {
    parts.push(fill(s.tokens, { n: (p.promptTokens ?? 0) + (p.completionTokens ?? 0) }));
  }
  return p.answered ? parts.join(' · ') : [s.couldNotAnswer, ...parts].join(' · ');
}

/** "Chrome 120 on macOS" from a user agent; good enough for a side panel, raw UA shown too. */
export function describeBrowser(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined;
  const browsers: Array<[string, RegExp]> = [
    ['Edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /OPR\/(\d+)/],
    ['Firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /(?:Chrome|CriOS)\/(\d+)/],
    ['Safari', /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari/],
  ];
  const systems: Array<[string, RegExp]> = [
    ['Android', /Android/],
    ['iOS', /iPhone|iPad|iPod/],
    ['Windows', /Windows/],
    ['macOS', /Mac OS X|Macintosh/],
    ['Linux', /Linux/],
  ];
  const browser = browsers.find(([, re]) => re.test(userAgent));
  const system = systems.find(([, re]) => re.test(userAgent))?.[0];
  const name = browser ? `${browser[0]} ${browser[1].exec(userAgent)?.[1] ?? ''}`.trim() : undefined;
  if (name && system) return fill(t().labels.browserOn, { browser: name, system });
  return name ?? system ?? t().labels.unknownBrowser;
}

/**
 * A search's date inputs ("YYYY-MM-DD", either may be empty) as an inclusive range of instants in
 * the agent's own time zone: from the start of the first day to the end of the last.
 */
export function dayRangeMs(from: string, to: string): { from?: number; to?: number } {
  const parse = (day: string, end: boolean): number | undefined => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
    if (!m) return undefined;
    const [y, mo, d] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
    return end ? new Date(y, mo, d + 1).getTime() - 1 : new Date(y, mo, d).getTime();
  };
  const range: { from?: number; to?: number } = {};
  const start = parse(from, false);
  const end = parse(to, true);
  if (start !== undefined) range.from = start;
  if (end !== undefined) range.to = end;
  return range;
}

export function handoffReasonText(reason: HandoffReason): string {
  return t().labels.handoff[reason];
}

/** "★★★★☆" for a 1–5 score. */
export function stars(score: number): string {
  const n = Math.max(0, Math.min(5, Math.round(score)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}
