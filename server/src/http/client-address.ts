import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import type { Express, Request } from 'express';

/**
 * The key rate limits count an address under: IPv4 as is (an IPv4-mapped IPv6 address as the IPv4
 * one), IPv6 by its /64, since one subscriber usually holds a whole /64 and could otherwise pick a
 * fresh address for every request.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * The client address of a raw request (a Socket.IO handshake), read exactly as Express reads
 * `req.ip` for HTTP: the socket's peer, or `X-Forwarded-For` as far as TRUST_PROXY trusts it.
 */
export function clientAddressOf(app: Express): (req: IncomingMessage) => string {
  return (req) => {
    const view = Object.create(app.request, {
      headers: { value: req.headers },
      socket: { value: req.socket },
      connection: { value: req.socket },
    }) as Request;
    return addressKey(view.ip ?? req.socket?.remoteAddress);
  };
}
