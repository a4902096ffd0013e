/**
 * Closes many connections a batch at a time rather than all at once: every client reconnects (and
 * resumes from the store) when its connection closes, so closing 10,000 sockets in one tick would
 * bring 10,000 handshakes and resume reads within the clients' one-second reconnect delay. At
 * `perSecond` the spike is bounded whatever the site's size (10,000 sockets at 500/s: 20 s).
 * Returns a function that stops what is left (the process is shutting down).
 */
export function closeSpread(
  connections: readonly { close(): void }[],
  { perSecond = 500, tickMs = 100 }: { perSecond?: number; tickMs?: number } = {},
): () => void {
  const batch = Math.max(1, Math.round((perSecond * tickMs) / 1000));
  let next = 0;
  const closeBatch = () => {
    for (const end = Math.min(next + batch, connections.length); next < end; next++) connections[next]!.close();
    if (next >= connections.length) clearInterval(timer);
  };
  const timer = setInterval(closeBatch, tickMs);
  timer.unref();
  closeBatch();
  return () => clearInterval(timer);
}
