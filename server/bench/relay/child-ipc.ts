/**
 * The bench's conversation with a server it started as a child process (product-server.ts,
 * raw-relay.ts): the child says where it listens; the parent may ask for a full GC (before reading
 * RSS, so both servers are measured after the same collection) and for an orderly stop.
 */
export type ParentMessage = { type: 'gc' } | { type: 'stop' };
/** `heapKb`: V8 heap in use plus memory outside it (buffers), after the collection. */
export type ChildMessage = { type: 'ready'; port: number } | { type: 'gc-done'; heapKb: number };

export function serveParent(port: number, stop: () => Promise<void>): void {
  const send = (message: ChildMessage) => process.send?.(message);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'gc') {
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      const { heapUsed, external } = process.memoryUsage();
      send({ type: 'gc-done', heapKb: Math.round((heapUsed + external) / 1024) });
    } else if (message.type === 'stop') {
      stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`bench server: stop failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    }
  });
  // The bench died without saying stop: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}
