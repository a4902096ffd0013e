/**
 * Which web pages may use the visitor widget (ALLOWED_ORIGINS, issue 11). A browser always sends
 * the page's `Origin` with a WebSocket handshake and with cross-origin requests, and the page
 * cannot change it; the server's own pages (demo, help pages) are always allowed. A request
 * without one is a same-origin GET or not a browser's, which could send any origin it likes.
 */
export interface OriginPolicy {
  /** `*`: any site may embed the widget. */
  readonly open: boolean;
  allows(origin: string | undefined, host: string | undefined): boolean;
}

/** `https://Shop.example/` → `https://shop.example`; null when it is not an http(s) origin. */
export function normalizeOrigin(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) return null;
    return url.origin;
  } catch {
    return null;
  }
}

export function createOriginPolicy({ allowedOrigins, publicUrl }: { allowedOrigins: '*' | readonly string[]; publicUrl?: string }): OriginPolicy {
  const open = allowedOrigins === '*';
  const listed = new Set(open ? [] : allowedOrigins.map((o) => normalizeOrigin(o) ?? o));
  if (publicUrl && URL.canParse(publicUrl)) listed.add(new URL(publicUrl).origin);
  return {
    open,
    allows(origin, host) {
      if (open || !origin) return true;
      if (listed.has(origin)) return true;
      try {
        // The server's own pages; `Host` is what the browser addressed (a proxy must pass it on,
        // as the nginx example does, or set PUBLIC_URL).
        return new URL(origin).host === host;
      } catch {
        return false;
      }
    },
  };
}
