// esbuild plugin shared by the widget's builds (widget/build.mjs for the CDN, build-package.mjs for
// npm) and the console's (console/build.mjs): the whitespace of Lit's css`` and html`` literals,
// which no minifier touches, squeezed out of our source.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * Lit's css`` literals reach the bundle verbatim; squeeze the whitespace out of ours. Only
 * spaces that cannot matter go: around { } ; , > and after a colon (never before one, which
 * would turn `a :hover` into `a:hover`).
 */
const minifyCss = (source) =>
  source.replace(
    /\bcss`([^`]*)`/g,
    (_, body) =>
      'css`' +
      body
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\s+/g, ' ')
        .replace(/\s*([{};,>])\s*/g, '$1')
        .replace(/:\s+/g, ':')
        .replace(/;}/g, '}')
        .trim() +
      '`',
  );

/**
 * So are the html`` and svg`` ones, indentation included. In their static text (found with
 * TypeScript's parser, so that strings, regular expressions and `${}` are never touched) a run of
 * whitespace with a line break becomes one space, or nothing between two tags: what HTML would
 * have rendered the same (none of our templates holds preformatted text).
 */
function minifyHtml(source, path) {
  const file = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const ranges = [];
  const visit = (node) => {
    if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && /^(html|svg)$/.test(node.tag.text)) {
      const t = node.template;
      for (const part of ts.isNoSubstitutionTemplateLiteral(t) ? [t] : [t.head, ...t.templateSpans.map((s) => s.literal)]) {
        // Between ` or } and ` or ${.
        const opens = part.kind === ts.SyntaxKind.TemplateHead || part.kind === ts.SyntaxKind.TemplateMiddle;
        ranges.push([part.getStart(file) + 1, part.end - (opens ? 2 : 1)]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = source;
  for (const [start, end] of ranges.sort((a, b) => b[0] - a[0])) {
    const text = out.slice(start, end).replace(/>\s*\n\s*</g, '><').replace(/\s*\n\s*/g, ' ');
    out = out.slice(0, start) + text + out.slice(end);
  }
  return out;
}

export const minifyLiterals = ({ html }) => ({
  name: 'minify-literals',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: minifyCss(html ? minifyHtml(source, args.path) : source), loader: 'ts' };
    });
  },
});
