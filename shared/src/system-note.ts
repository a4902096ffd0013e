/**
 * The internal notes the server writes itself (the hand-off note, a requeue), as data. The
 * server stores them with an English `text` (what search finds, and what a console older than
 * `note` shows); each console writes them again in its agent's language from `note`, with the
 * same function and its own words, so a zh-CN team does not read English system notes.
 */
import type { HandoffReason } from './model.js';

/** One AI answer as the hand-off note quotes it. */
export interface NoteAnswer {
  /** The answer's words, flattened and cut (plain text: escaped when rendered). */
  text: string;
  /** Titles of its sources. */
  sources: string[];
  /** false: the AI could not answer and said so. */
  answered: boolean;
}

/** The admin's hand-off rule that matched (`reason: 'rule'`), as data: each console words it. */
export type HandoffRuleMatch = { keyword: string } | { attribute: string; value: string };

export type SystemNote =
  | {
      type: 'handoff';
      reason: HandoffReason;
      /** The rule that matched (`reason: 'rule'`): the keyword or the attribute, in the admin's own words. */
      rule?: HandoffRuleMatch;
      /** What matched, as English words: notes written before `rule` (the console shows them as they are). */
      detail?: string;
      /** Where the visitor asked to be answered, when they left a message. */
      replyTo?: { name?: string; email: string };
      /** The model's summary (Markdown), when a summarizer wrote one; the extract's lines otherwise. */
      summary?: string;
      /** Titles of every source the AI used (with a summary). */
      sourcesUsed?: string[];
      /** The visitor's last questions, plain text (without a summary). */
      asked?: string[];
      /** The AI's last answers (without a summary). */
      tried?: NoteAnswer[];
    }
  | { type: 'requeued'; agentName: string; cause: 'disconnected'; seconds: number }
  | { type: 'requeued'; agentName: string; cause: 'deactivated' };

/** The words of a system note in one language: `{name}`-style placeholders. */
export interface NoteWords {
  handoff: string;
  reasons: Record<HandoffReason, string>;
  /** A reason with what matched: "{reason} ({detail})". */
  withDetail: string;
  /** What matched, for a keyword rule: the message mentions "{keyword}". */
  ruleKeyword: string;
  /** What matched, for an attribute rule: the visitor's {key} is {value}. */
  ruleAttribute: string;
  replyByEmail: string;
  summary: string;
  sourcesUsed: string;
  asked: string;
  askedNothing: string;
  tried: string;
  triedNothing: string;
  couldNotAnswer: string;
  sources: string;
  /** Joins titles: ", " or "、". */
  listSeparator: string;
  requeuedDisconnected: string;
  requeuedDeactivated: string;
}

export const NOTE_WORDS_EN: NoteWords = {
  handoff: '**Hand-off:** {reason}.',
  reasons: {
    visitor_request: 'the visitor asked for a person',
    ai_unanswered: 'the AI could not answer twice in a row',
    attachment: 'the visitor sent a file the AI cannot read',
    rule: 'a routing rule matched',
    agent_takeover: 'an agent took over',
    offline_message: 'the visitor left a message while nobody was available',
  },
  withDetail: '{reason} ({detail})',
  ruleKeyword: 'the message mentions "{keyword}"',
  ruleAttribute: "the visitor's {key} is {value}",
  replyByEmail: '**Reply by email:** {address}',
  summary: '**Summary (AI):** {summary}',
  sourcesUsed: '**Sources the AI used:** {titles}',
  asked: '**The visitor asked:**',
  askedNothing: '**The visitor asked:** nothing yet.',
  tried: '**The AI tried:**',
  triedNothing: '**The AI tried:** nothing (no answer yet).',
  couldNotAnswer: 'could not answer: {quote}',
  sources: '(sources: {titles})',
  listSeparator: ', ',
  requeuedDisconnected: '{name} was disconnected for more than {seconds} s: back in the queue, first in line.',
  requeuedDeactivated: '{name} was deactivated by an admin: back in the queue, first in line.',
};

function ruleWords(rule: HandoffRuleMatch, words: NoteWords): string {
  // A console older than a server may lack the words: the English ones say it.
  return 'keyword' in rule
    ? fillNote(words.ruleKeyword ?? NOTE_WORDS_EN.ruleKeyword, { keyword: plain(rule.keyword) })
    : fillNote(words.ruleAttribute ?? NOTE_WORDS_EN.ruleAttribute, { key: plain(rule.attribute), value: plain(rule.value) });
}

/** `note` as Markdown in `words`' language. Quoted visitor and AI text cannot format the note. */
export function systemNoteMarkdown(note: SystemNote, words: NoteWords): string {
  if (note.type === 'requeued') {
    return note.cause === 'disconnected'
      ? fillNote(words.requeuedDisconnected, { name: lineStart(note.agentName), seconds: String(note.seconds) })
      : fillNote(words.requeuedDeactivated, { name: lineStart(note.agentName) });
  }
  // A reason this console does not know yet (a newer server): the stored English says it.
  const why = words.reasons[note.reason] ?? NOTE_WORDS_EN.reasons[note.reason] ?? note.reason;
  const detail = note.rule ? ruleWords(note.rule, words) : note.detail && plain(note.detail);
  const reason = detail ? fillNote(words.withDetail, { reason: why, detail }) : why;
  const lines = [fillNote(words.handoff, { reason })];
  if (note.replyTo) {
    const { name, email } = note.replyTo;
    lines[0] += `\n${fillNote(words.replyByEmail, { address: plain(name ? `${name} <${email}>` : email) })}`;
  }
  const titles = (list: string[]) => list.map(plain).join(words.listSeparator);
  if (note.summary !== undefined) {
    lines.push(fillNote(words.summary, { summary: note.summary }) + (note.sourcesUsed?.length ? `\n\n${fillNote(words.sourcesUsed, { titles: titles(note.sourcesUsed) })}` : ''));
    return lines.join('\n\n');
  }
  const asked = note.asked ?? [];
  const tried = note.tried ?? [];
  lines.push(asked.length ? `${words.asked}\n${asked.map((q) => `- ${quote(q)}`).join('\n')}` : words.askedNothing);
  lines.push(
    tried.length
      ? `${words.tried}\n${tried
          .map((a) =>
            a.answered
              ? `- ${quote(a.text)}${a.sources.length ? ` ${fillNote(words.sources, { titles: titles(a.sources) })}` : ''}`
              : `- ${fillNote(words.couldNotAnswer, { quote: quote(a.text) })}`,
          )
          .join('\n')}`
      : words.triedNothing,
  );
  return lines.join('\n\n');
}

function fillNote(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}

/** Text shown as itself inside the note's Markdown (a name, a title, what was said): on one line, inline syntax escaped. */
function plain(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\*_`[\]~<]/g, '\\$&');
}

/** `plain`, where it begins a line: a name "# Ann" or "1. Ann" opens no heading or list. */
function lineStart(text: string): string {
  return plain(text).replace(/^[#>+-]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** A quoted line of what was said. Block syntax cannot start after `“`. */
function quote(text: string): string {
  return `“${plain(text)}”`;
}
