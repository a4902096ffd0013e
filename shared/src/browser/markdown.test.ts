import { describe, expect, it } from 'vitest';
import type { TemplateResult } from 'lit';
import { parseInline, parseMarkdown, renderMarkdown, safeHref, type Inline } from './markdown.js';

/** Every bound value of a template tree (array items included), with the static markup before it. */
function bindings(node: unknown, before = '', out: { before: string; value: unknown }[] = []) {
  if (Array.isArray(node)) node.forEach((n) => bindings(n, before, out));
  else if (node && typeof node === 'object' && 'strings' in node) {
    const t = node as TemplateResult;
    t.values.forEach((value, i) => bindings(value, t.strings[i]!, out));
  } else out.push({ before, value: node });
  return out;
}

/** All static markup of a template tree: the only place Lit parses as HTML. */
function statics(node: unknown): string {
  if (Array.isArray(node)) return node.map(statics).join('');
  if (node && typeof node === 'object' && 'strings' in node) {
    const t = node as TemplateResult;
    return t.strings.join('') + t.values.map(statics).join('');
  }
  return '';
}

const text = (v: string): Inline => ({ t: 'text', v });

describe('parseInline', () => {
  it('parses bold, italic, code and links', () => {
    expect(parseInline('a **b** *c* `d` [e](https://x.test/e)')).toEqual([
      text('a '),
      { t: 'b', c: [text('b')] },
      text(' '),
      { t: 'i', c: [text('c')] },
      text(' '),
      { t: 'code', v: 'd' },
      text(' '),
      { t: 'a', href: 'https://x.test/e', c: [text('e')] },
    ]);
  });

  it('keeps unmatched delimiters and arithmetic as text', () => {
    expect(parseInline('2 * 3 * 4 and **open')).toEqual([text('2 * 3 * 4 and **open')]);
    expect(parseInline('snake_case_name')).toEqual([text('snake_case_name')]);
  });

  it('does not parse markup inside code', () => {
    expect(parseInline('`**x** <b>`')).toEqual([{ t: 'code', v: '**x** <b>' }]);
  });

  it('turns newlines into breaks and honours backslash escapes', () => {
    expect(parseInline('a\n\\*b\\*')).toEqual([text('a'), { t: 'br' }, text('*b*')]);
  });

  it('links bare http(s) URLs without trailing punctuation', () => {
    expect(parseInline('see https://x.test/a?b=1.')).toEqual([
      text('see '),
      { t: 'a', href: 'https://x.test/a?b=1', c: [text('https://x.test/a?b=1')] },
      text('.'),
    ]);
  });

  it('keeps HTML as literal text', () => {
    expect(parseInline('<script>alert(1)</script><img src=x onerror=alert(1)>')).toEqual([
      text('<script>alert(1)</script><img src=x onerror=alert(1)>'),
    ]);
  });

  it('stays fast on adversarial input', () => {
    const start = performance.now();
    parseInline('*a '.repeat(20_000) + '['.repeat(20_000) + '`'.repeat(20_000));
    expect(performance.now() - start).toBeLessThan(1000);
  });
});

describe('safeHref', () => {
  it('makes a protocol-relative link absolute: it points to another site, not a path here', () => {
    expect(safeHref('//evil.example/login')).toBe('https://evil.example/login');
    expect(safeHref(' //evil.example')).toBe('https://evil.example');
    expect(safeHref('/\\evil.example')).toBeNull();
  });

  it.each(['https://x.test', 'HTTP://x.test/a', '/help', './a', '../b', '#top', '?q=1', 'faq/returns'])(
    'allows %s',
    (href) => expect(safeHref(href)).toBe(href),
  );

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\nscript:alert(1)',
    'java\tscript:alert(1)',
    'java\u0000script:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox',
    'mailto:a@b.c',
    'file:///etc/passwd',
    '\\\\evil.test',
    '',
  ])('refuses %j', (href) => expect(safeHref(href)).toBeNull());
});

describe('parseMarkdown', () => {
  it('splits paragraphs, lists, headings and fenced code', () => {
    const blocks = parseMarkdown('# Returns\nFirst line\nsecond\n\n- one\n- **two**\n  more\n\n3. c\n4. d\n\n```\n<b>x</b>\n```');
    expect(blocks).toEqual([
      { t: 'h', c: [text('Returns')] },
      { t: 'p', c: [text('First line'), { t: 'br' }, text('second')] },
      { t: 'ul', items: [[text('one')], [{ t: 'b', c: [text('two')] }, { t: 'br' }, text('more')]] },
      { t: 'ol', start: 3, items: [[text('c')], [text('d')]] },
      { t: 'pre', v: '<b>x</b>' },
    ]);
  });

  it('keeps balanced parentheses in a link destination, as CommonMark does', () => {
    expect(parseMarkdown('See [Foo](https://en.wikipedia.org/wiki/Foo_(bar)) now.')).toEqual([
      { t: 'p', c: [text('See '), { t: 'a', href: 'https://en.wikipedia.org/wiki/Foo_(bar)', c: [text('Foo')] }, text(' now.')] },
    ]);
    expect(parseMarkdown('[a](https://x.example/p) (b)')).toEqual([
      { t: 'p', c: [{ t: 'a', href: 'https://x.example/p', c: [text('a')] }, text(' (b)')] },
    ]);
  });

  it('renders an unsafe link as its text only', () => {
    // Its text only: the destination's parentheses are its own (it read "click)", a probe).
    expect(parseMarkdown('[click](javascript:alert(1))')).toEqual([{ t: 'p', c: [text('click')] }]);
    expect(parseMarkdown('[click](java\tscript:alert(1))')[0]).toEqual({
      t: 'p',
      c: [text('[click](java\tscript:alert(1))')],
    });
  });
});

describe('renderMarkdown', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '**<img src=x onerror=alert(1)>**',
    '[x](javascript:alert(1)) [y](JAVASCRIPT:alert(1)) [z](data:text/html,hi)',
    '- <iframe src="https://evil.test">',
    '`</code><script>`',
    '[<b>label</b>](https://ok.test "title")',
  ].join('\n\n');

  it('never puts message text into markup: every piece is a bound value', () => {
    const tree = renderMarkdown(hostile);
    const markup = statics(tree);
    for (const bad of ['script', 'img', 'iframe', 'onerror', 'javascript', 'label']) {
      expect(markup.toLowerCase()).not.toContain(bad);
    }
    // The text does reach the output, as strings Lit renders as text nodes.
    const values = bindings(tree).map((b) => b.value);
    expect(values).toContain('<script>alert(1)</script>');
    expect(values).toContain('<img src=x onerror=alert(1)>');
  });

  it('binds only http(s) or relative hrefs, with rel and target', () => {
    const tree = renderMarkdown(`${hostile}\n\n[ok](https://ok.test/a) [rel](/help)`);
    const hrefs = bindings(tree)
      .filter((b) => /href=$/.test(b.before))
      .map((b) => b.value);
    // Bare URLs in the hostile text are linked too: they are http(s), so that is fine.
    expect(hrefs).toEqual(['https://evil.test', 'https://ok.test', 'https://ok.test/a', '/help']);
    expect(statics(tree)).toContain('target="_blank" rel="noopener noreferrer"');
    // The only attribute bindings are href and the list's start number.
    const attrs = bindings(tree).filter((b) => /=$/.test(b.before));
    expect(attrs.every((b) => /(href|start)=$/.test(b.before))).toBe(true);
  });
});
