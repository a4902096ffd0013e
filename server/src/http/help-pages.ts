import { Router } from 'express';
import MarkdownIt from 'markdown-it';
import type { KnowledgeEntry } from '../knowledge/types.js';

// `html: false` escapes any HTML in the source and markdown-it refuses javascript:/data: links,
// so knowledge text can never inject markup into the page. Images are off, as in the chat's
// Markdown: `![x](https://elsewhere/p.png)` stays a link, so opening a help page never loads
// anything from another site (a tracking pixel in an imported article; issue 11).
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: false }).disable('image');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function slugAnchor(entry: KnowledgeEntry): string {
  return entry.id.split('#')[1] ?? '';
}

function renderArticle(entries: KnowledgeEntry[]): string {
  const first = entries[0]!;
  const lang = first.lang === 'zh' ? 'zh-CN' : 'en';
  const home = lang === 'zh-CN' ? '/zh.html' : '/';
  const sections = entries
    .map(
      (entry) => `<section id="${escapeHtml(slugAnchor(entry))}">
<h2>${escapeHtml(entry.title)}</h2>
${markdown.render(entry.body)}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(first.document)}</title>
<style>
body{margin:0;font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2933;background:#fafafa}
main{max-width:46rem;margin:0 auto;padding:2rem 1.25rem 6rem}
a{color:#0b5cad}
h1{font-size:1.9rem;margin:.5rem 0 1.5rem}
section{background:#fff;border:1px solid #e4e7eb;border-radius:10px;padding:.25rem 1.25rem;margin:0 0 1rem}
section:target{outline:3px solid #f0b429}
h2{font-size:1.15rem}
</style>
<script type="module" src="/widget/support-chat.js"></script>
</head>
<body>
<main>
<p><a href="${home}">← ${lang === 'zh-CN' ? '返回首页' : 'Back to the shop'}</a></p>
<h1>${escapeHtml(first.document)}</h1>
${sections}
</main>
<support-chat></support-chat>
</body>
</html>`;
}

/**
 * The knowledge base as a help center: every entry whose `url` is a path on this server is
 * published there, so the sources the AI cites are links a visitor can open.
 */
export function helpPages(entries: () => readonly KnowledgeEntry[]): Router {
  const router = Router();
  router.get(/^\/(?:[a-z-]+\/)?help\/[^/]+\/?$/i, (req, res, next) => {
    const wanted = req.path.replace(/\/$/, '');
    const matching = entries().filter((entry) => entry.url?.split('#')[0] === wanted);
    if (matching.length === 0) return next();
    res.type('html').send(renderArticle(matching));
  });
  return router;
}
