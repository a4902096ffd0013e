import fs from 'node:fs';

export type StoreWorker = 'sqlite-read-worker' | 'sqlite-maintenance-worker' | 'sqlite-write-worker';

const fromSource = new Map<StoreWorker, Promise<URL>>();

/**
 * Where a store worker's code is. Built (`dist/*.js`): `<name>.js` beside the bundle, an entry of
 * `build.mjs`. From source (vitest): Node 20 cannot run TypeScript in a worker, so the entry is
 * bundled once per process with esbuild (a dev dependency) under node_modules/.cache, where
 * `better-sqlite3` resolves as it does for the source.
 */
export function workerUrl(name: StoreWorker): Promise<URL> {
  if (import.meta.url.endsWith('.js')) return Promise.resolve(new URL(`./${name}.js`, import.meta.url));
  let url = fromSource.get(name);
  if (!url) {
    url = (async () => {
      const { build } = await import('esbuild');
      const outfile = new URL(`../../node_modules/.cache/support-chat/${name}-${process.pid}.mjs`, import.meta.url);
      fs.mkdirSync(new URL('.', outfile), { recursive: true });
      await build({
        entryPoints: [new URL(`./${name}.ts`, import.meta.url).pathname],
        outfile: outfile.pathname,
        bundle: true,
        platform: 'node',
        format: 'esm',
        external: ['better-sqlite3'],
        logLevel: 'warning',
      });
      return outfile;
    })();
    fromSource.set(name, url);
  }
  return url;
}
