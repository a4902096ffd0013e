/**
 * The bundle's stand-ins for Socket.IO internals (build.mjs) against the originals they replace:
 * same packets on the wire, same URL fields. The connection suite also runs over them against a
 * real server (connection.test.ts).
 */
import { parse as originalParse } from 'engine.io-client';
import * as original from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { decode } from './base64.js';
import { Decoder, Encoder, PacketType, protocol, type Packet } from './json-parser.js';
import { parse } from './parse-uri.js';

const packets: Packet[] = [
  { type: 0, nsp: '/visitor', data: { token: 'tok' } },
  { type: 0, nsp: '/visitor', data: { sid: 'abc', pid: 'x' } },
  { type: 0, nsp: '/' },
  { type: 1, nsp: '/visitor' },
  { type: 2, nsp: '/visitor', data: ['message:created', { text: '你好, "quoted", 1,2', seq: 3 }] },
  { type: 2, nsp: '/visitor', id: 12, data: ['message:send', { clientId: 'c1', text: 'hi' }] },
  { type: 2, nsp: '/', data: ['ping'] },
  { type: 3, nsp: '/visitor', id: 7, data: [{ ok: true, data: { n: null } }] },
  { type: 4, nsp: '/visitor', data: { message: 'unauthorized', data: { code: 'unauthorized' } } },
];

function decodeWith(decoder: { on(e: 'decoded', fn: (p: unknown) => void): unknown; add(c: string): void }, s: string) {
  const out: unknown[] = [];
  decoder.on('decoded', (p) => out.push(p));
  decoder.add(s);
  return out;
}

describe('json-parser (socket.io-parser without binary)', () => {
  it('speaks protocol 5 with the same packet types', () => {
    expect(protocol).toBe(original.protocol);
    for (const [name, value] of Object.entries(PacketType)) {
      expect(original.PacketType[name as keyof typeof original.PacketType]).toBe(value);
    }
  });

  it.each(packets)('encodes %j exactly as socket.io-parser does', (packet) => {
    expect(new Encoder().encode(packet)).toEqual(new original.Encoder().encode(packet as original.Packet));
  });

  it.each(packets)('decodes %j as socket.io-parser does', (packet) => {
    const [wire] = new original.Encoder().encode(packet as original.Packet) as string[];
    expect(decodeWith(new Decoder(), wire!)).toEqual(decodeWith(new original.Decoder(), wire!));
  });

  it('refuses what the visitor protocol never sends, as the manager expects (a throw)', () => {
    const d = new Decoder();
    for (const bad of ['51-/visitor,["x",{"_placeholder":true,"num":0}]', '2/visitor,{"not":"an array"}', '9', '2[', '']) {
      expect(() => d.add(bad)).toThrow();
    }
    expect(() => d.add(new ArrayBuffer(2) as unknown as string)).toThrow();
  });

  it('stops reporting once the manager unsubscribes', () => {
    const d = new Decoder();
    const seen: unknown[] = [];
    d.on('decoded', (p) => seen.push(p));
    d.off();
    d.add('2/visitor,["x"]');
    expect(seen).toEqual([]);
  });
});

describe('parse-uri (URL instead of parseuri)', () => {
  it.each([
    'http://127.0.0.1:3000/visitor',
    'https://chat.example.com/visitor',
    'https://chat.example.com:8443/visitor?x=1&y=2',
    'http://[::1]:3000/visitor',
    'http://localhost/visitor',
  ])('reads %s as the original does', (url) => {
    const o = originalParse(url) as Record<string, unknown>;
    const mine = parse(url);
    for (const key of ['source', 'protocol', 'host', 'path', 'query', 'queryKey'] as const) {
      expect(mine[key], key).toEqual(o[key]);
    }
    // The URL parser drops a default port (":443" on https); socket.io-client fills it in again.
    expect([o.port, defaultPort(o.protocol)]).toContain(mine.port || defaultPort(mine.protocol));
  });
});

function defaultPort(protocol: unknown) {
  return protocol === 'https' || protocol === 'wss' ? '443' : '80';
}

describe('base64', () => {
  it('decodes what engine.io sends base64-encoded', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255, 128]);
    expect(new Uint8Array(decode(Buffer.from(bytes).toString('base64')))).toEqual(bytes);
  });
});
