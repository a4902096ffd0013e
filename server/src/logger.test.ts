import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { rareWarning } from './logger.js';

describe('rareWarning', () => {
  it('logs the first failure, then at most one line per interval saying how many it stands for', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const warn = rareWarning(pino({ level: 'warn' }, sink), 'polling failed', 200);
    for (let i = 0; i < 5; i++) warn(new Error(`down ${i}`));
    await new Promise((resolve) => setTimeout(resolve, 250));
    warn(new Error('still down'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.map((l) => [l.msg, (l.err as { message: string }).message, l.failuresSinceLastWarning])).toEqual([
      ['polling failed', 'down 0', undefined],
      ['polling failed', 'still down', 4],
    ]);
  });
});
