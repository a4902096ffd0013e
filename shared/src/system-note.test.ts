import { describe, expect, it } from 'vitest';
import type { HandoffReason } from './model.js';
import { NOTE_WORDS_EN, systemNoteMarkdown, type NoteWords, type SystemNote } from './system-note.js';

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

  it('keeps a name on one line and opens no block with it', () => {
    const text = systemNoteMarkdown({ type: 'handoff', reason: 'offline_message', replyTo: { name: 'Ann\n\n# Refund approved', email: 'ann@example.com' }, asked: [], tried: [] }, NOTE_WORDS_EN);
    expect(text.split('\n')[1]).toBe('**Reply by email:** Ann # Refund approved \\<ann@example.com>');
    expect(systemNoteMarkdown({ type: 'requeued', agentName: '# Ann', cause: 'deactivated' }, NOTE_WORDS_EN)).toMatch(/^\\# Ann was deactivated/);
    expect(systemNoteMarkdown({ type: 'requeued', agentName: '1. Ann', cause: 'deactivated' }, NOTE_WORDS_EN)).toMatch(/^1\\\. Ann/);
  });

  it('words every part in the words it is given, and a reason it does not know in English', () => {
    const mark = (table: object): unknown =>
      Object.fromEntries(Object.entries(table).map(([key, value]) => [key, typeof value === 'string' ? `[${key}]${value.match(/\{\w+\}/g)?.join('') ?? ''}` : mark(value)]));
    const marked = { ...(mark(NOTE_WORDS_EN) as NoteWords), listSeparator: '[sep]' };
    const notes: SystemNote[] = [
      { type: 'handoff', reason: 'rule', detail: 'vip', asked: ['q'], tried: [{ text: 'a', sources: ['s', 't'], answered: true }, { text: 'b', sources: [], answered: false }] },
      // The rule that matched is data too: a zh-CN console read English here (a probe).
      { type: 'handoff', reason: 'rule', rule: { keyword: '投诉' }, asked: [], tried: [] },
      { type: 'handoff', reason: 'rule', rule: { attribute: 'plan', value: 'vip' }, asked: [], tried: [] },
      { type: 'handoff', reason: 'visitor_request', replyTo: { email: 'a@b.example' }, asked: [], tried: [] },
      { type: 'handoff', reason: 'ai_unanswered', summary: 'S', sourcesUsed: ['x'] },
      { type: 'requeued', agentName: 'Ann', cause: 'disconnected', seconds: 5 },
      { type: 'requeued', agentName: 'Ann', cause: 'deactivated' },
    ];
    const text = notes.map((note) => systemNoteMarkdown(note, marked)).join('\n');
    // Nothing of the English is left but the data: every word came from `marked`.
    const english = Object.values(NOTE_WORDS_EN).flatMap((v): string[] => (typeof v === 'string' ? [v] : Object.values(v)));
    for (const words of english) for (const piece of words.split(/\{\w+\}/)) if (piece.trim().length > 3) expect(text).not.toContain(piece.trim());
    expect(text).toContain('s[sep]t');
    expect(text).toContain('[ruleKeyword]投诉');
    expect(text).toContain('[ruleAttribute]planvip');
    expect(systemNoteMarkdown({ type: 'handoff', reason: 'something_newer' as HandoffReason, asked: [], tried: [] }, marked)).toContain('something_newer');
  });
});
