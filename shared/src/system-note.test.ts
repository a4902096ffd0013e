import { describe, expect, it } from 'vitest';
import { NOTE_WORDS_EN, systemNoteMarkdown, type NoteWords } from './system-note.js';

describe('system notes', () => {
  it('words a hand-off extract, quoting what was said so that it cannot format the note', () => {
    const text = systemNoteMarkdown(
      {
        type: 'handoff',
        reason: 'rule',
        detail: 'VIP *words*',
        replyTo: { name: 'Ann', email: 'ann@example.com' },
        asked: ['Is [this] **urgent**?'],
        tried: [
          { text: 'Returns take 30 days.', sources: ['Returns', 'Refunds'], answered: true },
          { text: "I couldn't find that.", sources: [], answered: false },
        ],
      },
      NOTE_WORDS_EN,
    );
    expect(text).toBe(
      [
        '**Hand-off:** a routing rule matched (VIP \\*words\\*).\n**Reply by email:** Ann \\<ann@example.com>',
        '**The visitor asked:**\n- “Is \\[this\\] \\*\\*urgent\\*\\*?”',
        "**The AI tried:**\n- “Returns take 30 days.” (sources: Returns, Refunds)\n- could not answer: “I couldn't find that.”",
      ].join('\n\n'),
    );
  });

  it('words a summary with its sources, an empty extract, and requeues', () => {
    expect(systemNoteMarkdown({ type: 'handoff', reason: 'ai_unanswered', summary: 'Wants a refund.', sourcesUsed: ['Refunds'] }, NOTE_WORDS_EN)).toBe(
      '**Hand-off:** the AI could not answer twice in a row.\n\n**Summary (AI):** Wants a refund.\n\n**Sources the AI used:** Refunds',
    );
    expect(systemNoteMarkdown({ type: 'handoff', reason: 'visitor_request', asked: [], tried: [] }, NOTE_WORDS_EN)).toContain(
      '**The visitor asked:** nothing yet.\n\n**The AI tried:** nothing (no answer yet).',
    );
    expect(systemNoteMarkdown({ type: 'requeued', agentName: 'Bo_b', cause: 'disconnected', seconds: 60 }, NOTE_WORDS_EN)).toBe(
      'Bo\\_b was disconnected for more than 60 s: back in the queue, first in line.',
    );
  });

  it('words every part in the words it is given', () => {
    const marked = Object.fromEntries(
      Object.entries(NOTE_WORDS_EN).map(([key, value]) => [key, typeof value === 'string' ? `[${key}]${value.match(/\{\w+\}/g)?.join('') ?? ''}` : value]),
    ) as unknown as NoteWords;
    const text = systemNoteMarkdown({ type: 'handoff', reason: 'visitor_request', asked: ['q'], tried: [{ text: 'a', sources: ['s', 't'], answered: true }] }, marked);
    expect(text).not.toMatch(/The visitor asked|The AI tried|\(sources:/);
    expect(text).toContain('s[listSeparator]t');
  });
});
