import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>support-chat console</title>
<style>html,body{margin:0;height:100%;font-family:system-ui,sans-serif;background:#f4f5f7}support-console{display:block;height:100%}</style>
<script type="module" src="/widget/support-console.js"></script>
</head>
<body><support-console></support-console></body>
</html>`;

/**
 * The browser-facing files: the widget bundle (any site may load it: CORS open, short cache),
 * the console shell, and the demo shop at `/`.
 */
export function staticRoutes({ widgetDistDir, demoDir }: { widgetDistDir: string; demoDir: string }): Router {
  const router = Router();

  router.use(
    '/widget',
    (_req, res, next) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
      next();
    },
    express.static(widgetDistDir, { maxAge: '5m', fallthrough: false }),
  );

  // Its CSP and anti-framing headers are every page's (security-headers.ts).
  router.get(['/console', '/console/'], (_req, res) => {
    res.type('html').send(CONSOLE_HTML);
  });

  if (fs.existsSync(demoDir)) {
    router.use('/', express.static(demoDir, { extensions: ['html'] }));
  }
  return router;
}

export function widgetIsBuilt(widgetDistDir: string): boolean {
  return fs.existsSync(path.join(widgetDistDir, 'support-chat.js'));
}
