/**
 * Where an admin may point a webhook (issue 13): http(s) only, and never, unless
 * WEBHOOK_ALLOW_INTERNAL says so, an address inside the server's own network (loopback, private
 * ranges, link-local cloud metadata, single-label names like `redis`): a hook must not become a
 * way to reach services no one outside can. Checked when a hook is saved (the URL) and again on
 * every connection (the addresses its name resolves to then), so a name that later resolves
 * inward is refused too.
 */
import dns from 'node:dns';
import net from 'node:net';
import { ChatError } from '../errors.js';

const internal = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is inside a private, loopback, link-local or reserved range. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return false;
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

const INTERNAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/i;

/**
 * Refuses a URL a webhook may not use, with a message saying why (`invalid_payload`). Returns the
 * URL as the server will call it.
 */
export function checkWebhookUrl(raw: string, { allowInternal }: { allowInternal: boolean }): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ChatError('invalid_payload', 'url: must be an http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ChatError('invalid_payload', 'url: must be an http:// or https:// URL');
  if (url.username || url.password) throw new ChatError('invalid_payload', 'url: must not carry a user name or password (the signature authenticates the server)');
  if (allowInternal) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = net.isIP(host) !== 0;
  if ((literal && isInternalAddress(host)) || (!literal && (!host.includes('.') || INTERNAL_NAMES.test(host)))) {
    throw new ChatError(
      'invalid_payload',
      `url: ${host} is an internal address; webhooks go to servers on the internet (set WEBHOOK_ALLOW_INTERNAL=true to allow internal ones)`,
    );
  }
  return url;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * `dns.lookup` for the webhook's connection that fails when the name resolves to an internal
 * address: checked where the socket connects, so a name cannot pass the check and then resolve
 * inward (DNS rebinding).
 */
export function guardedLookup(allowInternal: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address as string, family);
      const addresses = Array.isArray(address) ? address.map((a) => a.address) : [address];
      const inward = allowInternal ? undefined : addresses.find(isInternalAddress);
      if (inward) {
        const refused = Object.assign(new Error(`${hostname} resolves to the internal address ${inward}`), { code: 'EINTERNAL' });
        return callback(refused, address as string, family);
      }
      callback(null, address as string, family);
    });
  };
}
