/**
 * A small, safe Markdown subset for chat messages written by the AI and by agents: paragraphs,
 * line breaks, **bold**, *italic*, `code`, fenced code, lists, headings (shown bold) and links.
 *
 * Untrusted text never becomes markup: `parseMarkdown` builds a tree of plain data, and
 * `renderMarkdown` turns it into Lit templates whose every piece of text is a child binding (a
 * text node) and whose only attribute binding is an `href` that passed `safeHref`. No innerHTML,
 * no unsafeHTML, no Markdown library (the widget is size-budgeted).
 */
import { html, nothing, type TemplateResult } from 'lit/html.js';

export type Inline =
  | { t: 'text'; v: string }
  | { t: 'br' }
  | { t: 'code'; v: string }
  | { t: 'b' | 'i'; c: Inline[] }
  | { t: 'a'; href: string; c: Inline[] };

export type Block =
  | { t: 'p' | 'h'; c: Inline[] }
  | { t: 'pre'; v: string }
  | { t: 'ul'; items: Inline[][] }
  | { t: 'ol'; start: number; items: Inline[][] };

const BULLET = /^\s{0,3}[-*+]\s+(.*)$/;
const ORDERED = /^\s{0,3}(\d{1,9})[.)]\s+(.*)$/;
const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const FENCE = /^\s{0,3}(```|~~~)/;

/** Splits text into blocks. Lines inside a paragraph keep their breaks (chat convention). */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  // Asserted, not annotated: TS would otherwise narrow it to `null` across the closures below.
  let list = null as { t: 'ul' | 'ol'; start: number; items: string[][] } | null;

  const flushPara = () => {
    if (para.length) blocks.push({ t: 'p', c: parseInline(para.join('\n')) });
    para = [];
  };
  const flushList = () => {
    if (!list) return;
    const items = list.items.map((item) => parseInline(item.join('\n')));
    blocks.push(list.t === 'ul' ? { t: 'ul', items } : { t: 'ol', start: list.start, items });
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      flushPara();
      flushList();
      const body: string[] = [];
      while (++i < lines.length && !lines[i]!.trimStart().startsWith(fence[1]!)) body.push(lines[i]!);
      blocks.push({ t: 'pre', v: body.join('\n') });
      continue;
    }
    if (!line.trim()) {
      flushPara();
      flushList();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flushPara();
      flushList();
      blocks.push({ t: 'h', c: parseInline(heading[1]!) });
      continue;
    }
    const bullet = BULLET.exec(line);
    const ordered = bullet ? null : ORDERED.exec(line);
    if (bullet || ordered) {
      flushPara();
      const kind = bullet ? 'ul' : 'ol';
      if (list?.t !== kind) {
        flushList();
        list = { t: kind, start: ordered ? Number(ordered[1]) : 1, items: [] };
      }
      list!.items.push([bullet ? bullet[1]! : ordered![2]!]);
      continue;
    }
    if (list && /^\s/.test(line)) {
      // An indented line continues the list item above it.
      list.items[list.items.length - 1]!.push(line.trim());
      continue;
    }
    flushList();
    para.push(line);
  }
  flushPara();
  flushList();
  return blocks;
}

/**
 * Returns the href when it is http(s) or relative, else null. Whitespace and control characters
 * are refused outright: browsers strip them from URLs, so `java\nscript:` would otherwise pass
 * as "relative". A protocol-relative `//host/…` is another site, not a path here: it comes back
 * absolute (`https://host/…`), so it is shown and treated as the off-site link it is (issue 11).
 */
export function safeHref(raw: string): string | null {
  const href = raw.trim();
  if (!href || /[\u0000-\u0020\u007f-\u009f\\]/.test(href)) return null;
  if (href.startsWith('//')) return `https:${href}`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href);
  if (scheme) return /^https?$/i.test(scheme[1]!) ? href : null;
  return href;
}

/** A link's `(destination)` from its "(" (sticky: tried where the label ends). */
const DESTINATION = /\((?:[^\s()]|\([^\s()]*\))*\)/y;
const URL_RE = /^https?:\/\/[^\s<>"]*[^\s<>".,:;'!?)\]]/i;
const MAX_DEPTH = 4;

/** Parses inline markup. Unmatched delimiters stay literal text. */
export function parseInline(src: string, depth = 0): Inline[] {
  const out: Inline[] = [];
  let text = '';
  // Delimiters known to have no closer after the current position: keeps the scan linear on
  // adversarial input such as thousands of lone asterisks.
  const unclosed = new Set<string>();
  const pushText = () => {
    if (text) out.push({ t: 'text', v: text });
    text = '';
  };
  const closer = (delim: string, from: number): number => {
    if (unclosed.has(delim)) return -1;
    const at = src.indexOf(delim, from);
    if (at < 0) unclosed.add(delim);
    return at;
  };

  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const prev = i > 0 ? src[i - 1]! : ' ';
    if (ch === '\\' && i + 1 < src.length && /[!-/:-@[-`{-~]/.test(src[i + 1]!)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      pushText();
      out.push({ t: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const end = closer('`', i + 1);
      if (end > i + 1) {
        pushText();
        out.push({ t: 'code', v: src.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH && !(ch === '_' && /[\p{L}\p{N}]/u.test(prev))) {
      const strong = src[i + 1] === ch;
      const delim = strong ? ch + ch : ch;
      const start = i + delim.length;
      const end = src[start] && !/\s/.test(src[start]!) ? closer(delim, start + 1) : -1;
      if (end > start && !/\s/.test(src[end - 1]!)) {
        pushText();
        out.push({ t: strong ? 'b' : 'i', c: parseInline(src.slice(start, end), depth + 1) });
        i = end + delim.length;
        continue;
      }
    }
    if (ch === '[' && depth < MAX_DEPTH) {
      const close = closer(']', i + 1);
      // The destination: no space, and parentheses only balanced, one deep (…/Foo_(bar)), as
      // CommonMark reads it; cut at the first ")", "[link](javascript:alert(1))" read "link)".
      DESTINATION.lastIndex = close + 1;
      const end = close > i && DESTINATION.test(src) ? DESTINATION.lastIndex - 1 : -1;
      const label = src.slice(i + 1, close);
      const target = src.slice(close + 2, end);
      if (end > 0 && !/[\n[]/.test(label)) {
        pushText();
        const c = parseInline(label, depth + 1);
        const href = safeHref(target);
        if (href) out.push({ t: 'a', href, c });
        else out.push(...c);
        i = end + 1;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !/[\p{L}\p{N}]/u.test(prev)) {
      const m = URL_RE.exec(src.slice(i, i + 2048));
      if (m) {
        pushText();
        out.push({ t: 'a', href: m[0], c: [{ t: 'text', v: m[0] }] });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  pushText();
  return out;
}

function inline(nodes: Inline[]): unknown[] {
  return nodes.map((n) => {
    switch (n.t) {
      case 'text':
        return n.v;
      case 'br':
        return html`<br />`;
      case 'code':
        return html`<code>${n.v}</code>`;
      case 'b':
        return html`<strong>${inline(n.c)}</strong>`;
      case 'i':
        return html`<em>${inline(n.c)}</em>`;
      case 'a':
        return html`<a href=${n.href} target="_blank" rel="noopener noreferrer">${inline(n.c)}</a>`;
    }
  });
}

function block(b: Block): TemplateResult {
  switch (b.t) {
    case 'p':
      return html`<p>${inline(b.c)}</p>`;
    case 'h':
      return html`<p><strong>${inline(b.c)}</strong></p>`;
    case 'pre':
      return html`<pre><code>${b.v}</code></pre>`;
    case 'ul':
      return html`<ul>${b.items.map((it) => html`<li>${inline(it)}</li>`)}</ul>`;
    case 'ol':
      return html`<ol start=${b.start === 1 ? nothing : b.start}>${b.items.map((it) => html`<li>${inline(it)}</li>`)}</ol>`;
  }
}

/** Lit templates for the text's Markdown (text bindings only; see the module comment). */
export function renderMarkdown(text: string): TemplateResult[] {
  return parseMarkdown(text).map(block);
}
