import { describe, expect, it } from 'vitest';
import {
  ago,
  dayRangeMs,
  describeBrowser,
  handoffReasonText,
  stars,
  duration,
  lastMessagePreview,
  provenanceSummary,
  relativeTime,
  systemEventText,
  nameTrust,
  visitorLabel,
} from './format.js';
import { conv } from './test-fixtures.js';

describe('visitorLabel', () => {
  it('prefers the name, then the email the site passed, then a short visitor id', () => {
    expect(visitorLabel(conv('a', { context: { attributes: { name: 'Ada', email: 'a@x.io' } } }))).toBe('Ada');
    expect(visitorLabel(conv('a', { context: { attributes: { email: 'a@x.io' } } }))).toBe('a@x.io');
    expect(visitorLabel(conv('a', { visitorId: 'v_0123456789abcdef' }))).toBe('Visitor abcdef');
  });

  it('names a visitor who left a message by what they wrote in the form, and says whose word each name is', () => {
    const left = conv('a', { visitorId: 'v_0123456789abcdef', leftMessage: { email: 'dana@example.org', name: 'Dana' } });
    expect([visitorLabel(left), nameTrust(left)]).toEqual(['Dana', 'unverified']);
    const emailOnly = conv('a', { leftMessage: { email: 'dana@example.org' } });
    expect(visitorLabel(emailOnly)).toBe('dana@example.org');
    // identify() from the page (anyone can call it) is no better than the form.
    expect(nameTrust(conv('a', { context: { attributes: { name: 'Alice' } } }))).toBe('unverified');
    const signedIn = conv('a', { context: { attributes: { name: 'Mallory' }, verified: { userId: 'u1', name: 'Alice', attributes: {} } } });
    expect([visitorLabel(signedIn), nameTrust(signedIn)]).toEqual(['Alice', 'verified']);
    expect(nameTrust(conv('a', {}))).toBeNull();
  });
});

describe('times', () => {
  it('says how long ago, coarsely', () => {
    const now = 10 * 86_400_000;
    expect(relativeTime(now - 5_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min');
    expect(relativeTime(now - 3 * 3_600_000, now)).toBe('3 h');
    expect(relativeTime(now - 2 * 86_400_000, now)).toBe('2 d');
    expect(relativeTime(now + 60_000, now)).toBe('just now');
  });

  it('puts it in a sentence', () => {
    const now = 10 * 86_400_000;
    expect(ago(now - 5_000, now)).toBe('just now');
    expect(ago(now - 5 * 60_000, now)).toBe('5 min ago');
  });

  it('says "ago" in Chinese where it is a moment past (a probe read 1 分钟, a duration), once', async () => {
    const { setConsoleLocale } = await import('./i18n/locale.js');
    setConsoleLocale('zh-CN');
    try {
      const now = 10 * 86_400_000;
      expect([5 * 60_000, 3 * 3_600_000, 2 * 86_400_000].map((past) => relativeTime(now - past, now))).toEqual(['5 分钟前', '3 小时前', '2 天前']);
      expect(ago(now - 5 * 60_000, now)).toBe('5 分钟前');
      expect(duration(4 * 60_000)).toBe('4 分钟');
    } finally {
      setConsoleLocale('en');
    }
  });

  it('formats waits', () => {
    expect(duration(45_000)).toBe('45 s');
    expect(duration(4 * 60_000 + 10_000)).toBe('4 min');
    expect(duration(65 * 60_000)).toBe('1 h 05 min');
    expect(duration(-5)).toBe('0 s');
  });
});

describe('provenanceSummary', () => {
  const provenance = { responder: 'offline' as const, passageIds: ['p1', 'p2'], scores: [1, 0.5], answered: true, latencyMs: 12.4 };

  it('summarises responder, sources and latency', () => {
    const sources = [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }];
    expect(provenanceSummary({ provenance, sources })).toBe('offline · 2 sources · 12 ms');
  });

  it('says when the AI could not answer, with the model and tokens when known', () => {
    expect(
      provenanceSummary({
        provenance: { ...provenance, responder: 'openai', model: 'gpt-x', answered: false, passageIds: ['p'], promptTokens: 100, completionTokens: 20 },
      }),
    ).toBe('AI could not answer · model gpt-x · 1 source · 12 ms · 120 tokens');
  });

  it('is empty without provenance', () => {
    expect(provenanceSummary({})).toBe('');
  });
});

describe('lastMessagePreview', () => {
  it('names non-visitor authors, collapses whitespace and clips', () => {
    const c = conv('a', { lastMessage: { author: 'ai', kind: 'text', text: 'Hello\n\n  there', createdAt: 1 } });
    expect(lastMessagePreview(c)).toBe('AI: Hello there');
    const long = conv('b', { lastMessage: { author: 'visitor', kind: 'text', text: 'x'.repeat(200), createdAt: 1 } });
    expect(lastMessagePreview(long, 10)).toBe(`${'x'.repeat(9)}…`);
    expect(lastMessagePreview(conv('c'))).toBe('No messages yet');
  });

  it('shows Markdown as plain words, but a visitor\'s text as typed', () => {
    const note = conv('n', {
      lastMessage: { author: 'system', kind: 'text', text: '**Hand-off summary**: see [order](https://x.io/1) and `A-1`\n- item', createdAt: 1 },
    });
    expect(lastMessagePreview(note)).toBe('System: Hand-off summary: see order and A-1 item');
    const visitor = conv('v', { lastMessage: { author: 'visitor', kind: 'text', text: 'is **this** ok?', createdAt: 1 } });
    // An internal note is never presented as if it had been sent to the visitor.
    const internal = conv('n', { lastMessage: { author: 'agent', kind: 'note', text: 'Kettle order #1042', createdAt: 1 } });
    expect(lastMessagePreview(internal)).toBe('Note: Kettle order #1042');
    expect(lastMessagePreview(visitor)).toBe('is **this** ok?');
  });
});

describe('systemEventText', () => {
  it('words events for the agent', () => {
    expect(systemEventText({ type: 'assigned', agentName: 'Anna' })).toBe('Anna joined');
    expect(systemEventText({ type: 'closed', by: 'visitor' })).toBe('Closed by visitor');
  });
});

describe('describeBrowser', () => {
  it('names common browsers and systems', () => {
    const chromeMac =
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
    const edgeWin =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0';
    const safariIos =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    const firefoxLinux = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
    expect(describeBrowser(chromeMac)).toBe('Chrome 120 on macOS');
    expect(describeBrowser(edgeWin)).toBe('Edge 120 on Windows');
    expect(describeBrowser(safariIos)).toBe('Safari 17 on iOS');
    expect(describeBrowser(firefoxLinux)).toBe('Firefox 121 on Linux');
    expect(describeBrowser(undefined)).toBeUndefined();
  });
});

describe('dayRangeMs, hand-off reasons, stars', () => {
  it('turns date inputs into an inclusive local range', () => {
    const range = dayRangeMs('2026-03-01', '2026-03-02');
    expect(range.from).toBe(new Date(2026, 2, 1).getTime());
    expect(range.to).toBe(new Date(2026, 2, 3).getTime() - 1);
    expect(dayRangeMs('', '')).toEqual({});
    expect(dayRangeMs('2026-03-01', 'nope')).toEqual({ from: new Date(2026, 2, 1).getTime() });
  });

  it('words why a conversation went to people, and draws a rating', () => {
    expect(handoffReasonText('visitor_request')).toBe('The visitor asked for a person');
    expect(stars(4)).toBe('★★★★☆');
    expect(stars(9)).toBe('★★★★★');
  });
});
