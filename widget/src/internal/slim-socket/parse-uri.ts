/**
 * Stands in for engine.io-client's `contrib/parseuri.js` in the widget bundle (see build.mjs):
 * the browser's URL parser instead of a 1 KB regular expression. The widget only ever connects
 * to an absolute http(s) URL it built itself (`origin + namespace`). The fields are the ones
 * socket.io-client and engine.io-client read; like the original, an IPv6 host loses its brackets.
 */
export function parse(source: string) {
  const u = new URL(source);
  return {
    source,
    protocol: u.protocol.slice(0, -1),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port,
    path: u.pathname,
    query: u.search.slice(1),
    queryKey: Object.fromEntries(u.searchParams),
  };
}
