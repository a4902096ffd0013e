/**
 * Pure formatting for the agent console: labels, times, provenance. No DOM, no Lit, so it is
 * unit-tested in node.
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

/**
 * The signed-in user's name or email (verified), else what the page passed with identify(), else
 * a short, stable slice of the visitor id.
 */
export function visitorLabel(conversation: Pick<AgentConversation, 'visitorId' | 'context'>): string {
  const { verified, attributes = {} } = conversation.context;
  const named = verified?.name || verified?.email || attributes['name']?.trim() || attributes['email']?.trim();
  if (named) return named;
  return `Visitor ${conversation.visitorId.slice(-6)}`;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 min", "3 h", "2 d", then a date. Future times (clock skew) read as "just now". */
export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  if (ago < MINUTE) return 'just now';
  if (ago < HOUR) return `${Math.floor(ago / MINUTE)} min`;
  if (ago < DAY) return `${Math.floor(ago / HOUR)} h`;
  if (ago < 7 * DAY) return `${Math.floor(ago / DAY)} d`;
  return new Date(at).toISOString().slice(0, 10);
}

/** `relativeTime` in a sentence: "5 min ago", but "just now". */
export function ago(at: number, now: number): string {
  const when = relativeTime(at, now);
  return when === 'just now' ? when : `${when} ago`;
}

/** A wait as "45 s", "4 min", "1 h 05 min". */
export function duration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < MINUTE) return `${Math.floor(safe / 1000)} s`;
  if (safe < HOUR) return `${Math.floor(safe / MINUTE)} min`;
  const hours = Math.floor(safe / HOUR);
  const minutes = Math.floor((safe % HOUR) / MINUTE);
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export const STATUS_LABELS: Record<ConversationStatus, string> = {
  bot: 'AI',
  queued: 'Queued',
  assigned: 'Assigned',
  closed: 'Closed',
};

export const PRESENCE_LABELS: Record<PresenceStatus, string> = { online: 'Online', away: 'Away', offline: 'Offline' };

const AUTHOR_LABELS: Record<MessageAuthor, string> = {
  visitor: 'Visitor',
  ai: 'AI',
  agent: 'Agent',
  system: 'System',
};

/** One line for the inbox row: who spoke last and what they said, whitespace collapsed. */
export function lastMessagePreview(conversation: AgentConversation, maxChars = 90): string {
  const last = conversation.lastMessage;
  if (!last) return 'No messages yet';
  const source = last.author === 'visitor' ? last.text : stripMarkdown(last.text);
  const text = source.replace(/\s+/g, ' ').trim();
  const clipped = text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
  const who = last.kind === 'note' ? 'Note: ' : last.author === 'visitor' ? '' : `${AUTHOR_LABELS[last.author]}: `;
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
  switch (event.type) {
    case 'queued':
      return 'Waiting for an agent';
    case 'assigned':
      return `${event.agentName} joined`;
    case 'transferred':
      return `Transferred to ${event.agentName}`;
    case 'returned_to_ai':
      return 'Returned to the AI';
    case 'closed':
      return `Closed by ${AUTHOR_LABELS[event.by].toLowerCase()}`;
  }
}

/** "offline · 2 sources · 12 ms", prefixed "AI could not answer · " when it offered a person. */
export function provenanceSummary(message: Pick<ChatMessage, 'provenance' | 'sources'>): string {
  const p = message.provenance;
  if (!p) return '';
  const count = message.sources?.length ?? p.passageIds.length;
  const parts = [
    p.model ? `${p.responder} ${p.model}` : p.responder,
    `${count} ${count === 1 ? 'source' : 'sources'}`,
    `${Math.round(p.latencyMs)} ms`,
  ];
  if (p.promptTokens !== undefined || p.completionTokens !== undefined) {
    parts.push(`${(p.promptTokens ?? 0) + (p.completionTokens ?? 0)} tokens`);
  }
  return p.answered ? parts.join(' · ') : ['AI could not answer', ...parts].join(' · ');
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
  if (name && system) return `${name} on ${system}`;
  return name ?? system ?? 'Unknown browser';
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

const HANDOFF_REASONS: Record<HandoffReason, string> = {
  visitor_request: 'The visitor asked for a person',
  ai_unanswered: 'The AI could not answer',
  rule: 'A routing rule sent it to people',
  agent_takeover: 'An agent took over from the AI',
  offline_message: 'Left as a message while nobody was available',
};

export function handoffReasonText(reason: HandoffReason): string {
  return HANDOFF_REASONS[reason];
}

/** "★★★★☆" for a 1–5 score. */
export function stars(score: number): string {
  const n = Math.max(0, Math.min(5, Math.round(score)));
  return '★'.repeat(n) + '☆'.repeat(5 - n);
}
