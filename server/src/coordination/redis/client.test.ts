/** Which Redis the site starts on: the version check at start (no Redis needed). */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../logger.js';
import { connectRedis, MINIMUM_REDIS_MAJOR, redisVersion, requireRedisVersion, RedisTooOldError, type RedisClient } from './client.js';

describe('connectRedis', () => {
  it('gives up on a server that accepts the connection and never answers, saying so (the start hung silent for ever)', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      await expect(connectRedis(`redis://127.0.0.1:${port}`, { name: 'test', firstAnswerMs: 500 })).rejects.toThrow(`Redis at redis://127.0.0.1:${port} is unreachable (no answer within 0.5 s)`);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

/** The one command the check sends, answered as a server of `version` would (`INFO server`). */
function serverOf(version: string | null): RedisClient {
  const info = ['# Server', ...(version ? [`redis_version:${version}`] : []), 'redis_mode:standalone', ''].join('\r\n');
  return { sendCommand: async (args: string[]) => (args.join(' ') === 'INFO server' ? info : Promise.reject(new Error(`unexpected ${args.join(' ')}`))) } as unknown as RedisClient;
}

describe('requireRedisVersion', () => {
  it('reads the version from INFO', () => {
    expect(redisVersion('# Server\r\nredis_git_sha1:00000000\r\nredis_version:7.0.15\r\n')).toBe('7.0.15');
    expect(redisVersion('# Server\r\nredis_mode:standalone\r\n')).toBeNull();
  });

  it('refuses Redis 6 with the version, the need and the URL without its password', async () => {
    const refusal = requireRedisVersion(serverOf('6.0.16'), 'redis://:secret@cache.internal:6379');
    await expect(refusal).rejects.toThrow(RedisTooOldError);
    await expect(refusal).rejects.toThrow(
      `Redis at redis://:***@cache.internal:6379 is version 6.0.16; support-chat needs Redis ${MINIMUM_REDIS_MAJOR} or newer`,
    );
  });

  it('lets in a server that will not say (INFO refused by ACL or renamed), with a warning', async () => {
    const refusing = { sendCommand: async () => Promise.reject(new Error("NOPERM User app has no permissions to run the 'info' command")) } as unknown as RedisClient;
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, message: string) => warnings.push(message) } as unknown as Logger;
    await expect(requireRedisVersion(refusing, 'redis://127.0.0.1:6379', logger)).resolves.toBeUndefined();
    expect(warnings).toEqual([expect.stringMatching(/could not read the Redis version/)]);
  });

  it('lets in Redis 7 and later, and a server that names no version', async () => {
    for (const version of ['7.0.0', '7.2.4', '8.0.2', null]) {
      await expect(requireRedisVersion(serverOf(version), 'redis://127.0.0.1:6379')).resolves.toBeUndefined();
    }
  });
});
