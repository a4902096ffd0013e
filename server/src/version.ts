import { readFileSync } from 'node:fs';

/**
 * The server's version, from its package.json: in the banner and `/healthz`, so an operator can
 * tell which build each process of a rolling upgrade runs. Read beside the module, which finds the
 * same file from the sources (src/) and from the bundle (dist/).
 */
export const SERVER_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
