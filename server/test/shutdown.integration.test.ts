/**
 * Shutdown with a client whose machine froze or lost its network: its WebSocket never answers
 * the close, and the WebSocket library waited 30 s for it before the server could close, so every
 * SIGTERM of a process with such a peer took 30 s (an operator's probe), past what process
 * managers allow. Now what is still open after a short grace is cut.
 */
import { describe, expect, it } from 'vitest';
import { connected, startTestServer } from './harness.js';

describe('shutdown', () => {
  it('does not wait for a client that never answers the close', async () => {
    const t = await startTestServer();
    const frozen = t.visitor();
    await connected(frozen);
    const lively = t.visitor();
    await connected(lively);
    // The frozen client reads nothing more: the server's close frame is never answered.
    const transport = frozen.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } };
    transport.ws._socket.pause();
    const started = Date.now();
    await t.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(lively.connected).toBe(false);
  }, 40_000);
});
