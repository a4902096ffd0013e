import { describe, expect, it } from 'vitest';
import type { CannedReply } from '@support-chat/shared';
import { cycle, fillPlaceholders, insertCanned, matchCanned, placeholderValues, slashQueryAt, unknownPlaceholders } from './canned.js';

const reply = (shortcut: string, text = `Text of ${shortcut}`): CannedReply => ({ id: shortcut, shortcut, text, updatedAt: 1 });

describe('slashQueryAt', () => {
  it('finds "/name" at the start or after a space, up to the caret', () => {
    expect(slashQueryAt('/ref', 4)).toEqual({ start: 0, end: 4, query: 'ref' });
    expect(slashQueryAt('Hi /Thanks', 10)).toEqual({ start: 3, end: 10, query: 'thanks' });
    expect(slashQueryAt('line one\n/', 10)).toEqual({ start: 9, end: 10, query: '' });
    expect(slashQueryAt('您好 /发票', 6)).toEqual({ start: 3, end: 6, query: '发票' });
  });

  it('ignores slashes inside words, URLs, and text after a space', () => {
    expect(slashQueryAt('and/or', 6)).toBeNull();
    expect(slashQueryAt('see https://x.io/a', 18)).toBeNull();
    expect(slashQueryAt('/refund please', 14)).toBeNull();
    expect(slashQueryAt('/refund please', 7)).toEqual({ start: 0, end: 7, query: 'refund' });
  });
});

describe('matchCanned', () => {
  const replies = [reply('thanks'), reply('refund-time', 'Refunds take 5 days'), reply('shipping'), reply('return-refund')];
  it('ranks shortcut prefixes, then shortcut matches, then text matches', () => {
    expect(matchCanned(replies, 're').map((r) => r.shortcut)).toEqual(['refund-time', 'return-refund']);
    expect(matchCanned(replies, 'refund').map((r) => r.shortcut)).toEqual(['refund-time', 'return-refund']);
    expect(matchCanned(replies, 'days').map((r) => r.shortcut)).toEqual(['refund-time']);
    expect(matchCanned(replies, '').map((r) => r.shortcut)).toEqual(['refund-time', 'return-refund', 'shipping', 'thanks']);
    expect(matchCanned(replies, '', 2)).toHaveLength(2);
    expect(matchCanned(replies, 'zzz')).toEqual([]);
  });
});

describe('insertCanned', () => {
  it('replaces the "/query" and puts the caret after the text', () => {
    const text = 'Hello /tha and bye';
    const slash = slashQueryAt(text, 10)!;
    expect(insertCanned(text, slash, { text: 'Thank you!' })).toEqual({ text: 'Hello Thank you! and bye', caret: 16 });
    expect(insertCanned('/x', slashQueryAt('/x', 2)!, { text: 'Hi' })).toEqual({ text: 'Hi', caret: 2 });
  });

  it('cycles through a list with the arrow keys', () => {
    expect(cycle(0, -1, 3)).toBe(2);
    expect(cycle(2, 1, 3)).toBe(0);
    expect(cycle(0, 1, 0)).toBe(0);
  });
});

describe('fillPlaceholders', () => {
  const values = { 'visitor.name': 'Ada Lovelace', 'visitor.first_name': 'Ada', 'agent.name': 'Sam' };

  it('fills what is known, as written in any case and spacing', () => {
    expect(fillPlaceholders('Hi {{visitor.first_name}}, {{ Agent.Name }} here.', values)).toBe('Hi Ada, Sam here.');
    expect(fillPlaceholders('{{visitor.name}}', values)).toBe('Ada Lovelace');
  });

  it('uses the fallback for what is not known, or leaves it out with the space before it', () => {
    expect(fillPlaceholders('Hi {{visitor.email | there}}!', values)).toBe('Hi there!');
    expect(fillPlaceholders('Hi {{visitor.email}}, thanks', values)).toBe('Hi, thanks');
    expect(fillPlaceholders('您好 {{visitor.name}}，', {})).toBe('您好，');
  });

  it('trims a fallback, and leaves an unclosed placeholder before a long run of spaces as written (it took 12 s)', () => {
    expect(fillPlaceholders('Hi {{visitor.email |  there  }}!', values)).toBe('Hi there!');
    const unclosed = `{{visitor.name |${' '.repeat(4000)}x`;
    expect(fillPlaceholders(unclosed, values)).toBe(unclosed);
  });

  it('leaves anything else in braces as written', () => {
    expect(fillPlaceholders('{{order.id}} and {{ not a placeholder }} and {x}', values)).toBe('{{order.id}} and {{ not a placeholder }} and {x}');
  });
});

describe('placeholderValues', () => {
  const agent = { name: 'Sam' };
  it("takes a signed-in user's name first, then identify(), then the left message; never the visitor id", () => {
    const context = { verified: { name: 'Ada Lovelace', email: 'ada@x.io' }, attributes: { name: 'Not Ada' } };
    expect(placeholderValues({ context, leftMessage: undefined } as never, agent)).toEqual({
      'visitor.name': 'Ada Lovelace',
      'visitor.first_name': 'Ada',
      'visitor.email': 'ada@x.io',
      'agent.name': 'Sam',
    });
    expect(placeholderValues({ context: {}, leftMessage: { email: 'bo@x.io', name: ' Bo ' } } as never, agent)).toMatchObject({ 'visitor.name': 'Bo', 'visitor.email': 'bo@x.io' });
    expect(placeholderValues({ context: {} } as never, agent)['visitor.name']).toBeUndefined();
  });

  it('keeps a Chinese name whole as the first name (its first word is the family name)', () => {
    expect(placeholderValues({ context: { attributes: { name: '王 小明' } } } as never, agent)['visitor.first_name']).toBe('王 小明');
  });
});

describe('unknownPlaceholders', () => {
  it('lists each placeholder the reply cannot fill, as written', () => {
    expect(unknownPlaceholders('Hi {{visitor.firstname}}, {{ agent.name }} and {{visitor.name | you}}; {{visitor.firstname}} {{order id}}')).toEqual([
      '{{visitor.firstname}}',
      '{{order id}}',
    ]);
    expect(unknownPlaceholders('Hi {{Visitor.Name}}, {x} and {{}}')).toEqual(['{{}}']);
  });
});
