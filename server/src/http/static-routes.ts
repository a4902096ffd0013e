import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import expressStaticGzip from 'express-static-gzip';

const consoleHtml = (script: string) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>support-chat console</title>
<link rel="icon" href="data:,">
<style>html,body{margin:0;height:100%;font-family:system-ui,sans-serif;background:#f4f5f7}support-console{display:block;height:100%}</style>
<script type="module" src="/console/${script}"></script>
</head>
<body><support-console></support-console></body>
</html>`;

/** A build's file with its content's hash in the name (`support-console-XUGSSHVC.js`): it never changes. */
const HASHED_NAME = /-[A-Z0-9]{8}\.js(\.map|\.LEGAL\.txt)?(\.br|\.gz)?$/;
/** How long a browser may use the stable entry (`support-chat.js`) before asking again (with its ETag). */
const ENTRY_MAX_AGE_S = 300;

/** A bundle, as written or compressed: its source map is beside it (the build writes no comment naming it). */
const BUNDLE = /\.js(\.br|\.gz)?$/;

function cacheFor(res: ServerResponse, file: string): void {
  res.setHeader(
    'Cache-Control',
    HASHED_NAME.test(file) ? 'public, max-age=31536000, immutable' : `public, max-age=${ENTRY_MAX_AGE_S}`,
  );
  if (BUNDLE.test(file)) res.setHeader('SourceMap', `${path.basename(file).replace(BUNDLE, '.js')}.map`);
}

const CONSOLE_BUNDLE = 'support-console';

/** The console bundle's file name its build wrote (content-hashed), from the console build's meta.json. */
function consoleScript(consoleDistDir: string): string {
  try {
    const meta = JSON.parse(fs.readFileSync(path.join(consoleDistDir, 'meta.json'), 'utf8')) as Record<string, { file?: string }>;
    return meta[CONSOLE_BUNDLE]?.file ?? `${CONSOLE_BUNDLE}.js`;
  } catch {
    return `${CONSOLE_BUNDLE}.js`;
  }
}

/** The compressed copies the build wrote, the one the browser accepts; hashed files kept a year. */
const precompressed = (dir: string): RequestHandler[] => [
  // express-static-gzip answers a path it cannot decode (`/widget/%E0%A4%A`) with a plain-text
  // 400 of its own: handed on instead, it gets the JSON error every other route answers (a re-test).
  (req: Request, _res: Response, next: NextFunction) => {
    try {
      decodeURIComponent(req.path);
      next();
    } catch (error) {
      next(Object.assign(error as Error, { status: 400 }));
    }
  },
  expressStaticGzip(dir, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    serveStatic: { setHeaders: cacheFor },
  }),
];

/**
 * The browser-facing files: the widget bundle (any site may load it: CORS open), the console
 * shell and its bundle (the console workspace's build, for this server's own page only: no CORS),
 * and the demo shop at `/`. Bundles go out precompressed (the build writes brotli and gzip
 * copies; express-static-gzip picks the one the browser accepts); the stable entry is cached
 * briefly and revalidated by ETag, hashed files for a year.
 */
export function staticRoutes({
  widgetDistDir,
  consoleDistDir,
  demoDir,
}: {
  widgetDistDir: string;
  consoleDistDir: string;
  demoDir: string;
}): Router {
  const router = Router();

  router.use(
    '/widget',
    (_req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      next();
    },
    ...precompressed(widgetDistDir),
  );

  // Its CSP and anti-framing headers are every page's (security-headers.ts).
  const html = consoleHtml(consoleScript(consoleDistDir));
  router.get(['/console', '/console/'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(html);
  });
  router.use('/console', ...precompressed(consoleDistDir));

  if (fs.existsSync(demoDir)) {
    router.use('/', express.static(demoDir, { extensions: ['html'] }));
  }
  return router;
}

export function widgetIsBuilt(widgetDistDir: string): boolean {
  return fs.existsSync(path.join(widgetDistDir, 'support-chat.js'));
}

export function consoleIsBuilt(consoleDistDir: string): boolean {
  return fs.existsSync(path.join(consoleDistDir, 'meta.json'));
}
