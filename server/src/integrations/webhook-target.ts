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
  // Documentation ranges (TEST-NET-1, 2, 3): never anyone's public server, so nothing to call.
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relays, deprecated (a re-test)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard-only
  // Teredo hides an IPv4 address (inverted) for a relay to unwrap; documentation.
  ['2001::', 32],
  ['2001:2::', 48], // benchmarking, IPv6's 198.18.0.0/15
  ['2001:10::', 28], // ORCHID
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32],
  ['3fff::', 20], // documentation (RFC 9637)
  ['5f00::', 16], // SRv6 SIDs
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10], // site-local, deprecated, still routed inside some networks
  ['ff00::', 8],
  // Local-use NAT64 (RFC 8215): a site's own translator, whatever IPv4 address a layout embeds.
  ['64:ff9b:1::', 48],
] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

/** Whether `address` (an IP literal) is inside a private, loopback, link-local or reserved range. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 4) return internal.check(address, 'ipv4');
  const embedded = embeddedIpv4(address);
  return internal.check(address, 'ipv6') || (embedded !== null && internal.check(embedded, 'ipv4'));
}

/**
 * The IPv4 address an IPv6 one carries to a gateway that unwraps it: NAT64 (`64:ff9b::/96`),
 * IPv4-compatible (`::/96`), IPv4-translated (SIIT, `::ffff:0:0:0/96`) and 6to4 (`2002::/16`).
 * Behind such a gateway `64:ff9b::7f00:1` is 127.0.0.1. (IPv4-mapped `::ffff:0:0/96` BlockList
 * checks itself.)
 */
function embeddedIpv4(address: string): string | null {
  const groups = ipv6Groups(address);
  if (!groups) return null;
  const v4 = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zeros = (from: number, to: number) => groups.slice(from, to).every((g) => g === 0);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6]!, groups[7]!);
  if (zeros(0, 6) || (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0)) return v4(groups[6]!, groups[7]!);
  if (groups[0] === 0x2002) return v4(groups[1]!, groups[2]!);
  return null;
}

/** The eight 16-bit groups of an IPv6 literal (`::` expanded, a dotted IPv4 tail read as two). */
function ipv6Groups(address: string): number[] | null {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const text = tail
    ? address.slice(0, tail.index) + [((+tail[1]! << 8) | +tail[2]!).toString(16), ((+tail[3]! << 8) | +tail[4]!).toString(16)].join(':')
    : address;
  const [head, rest] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(rest);
  const groups = rest === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
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
  // `localhost.` is `localhost`: a name's trailing dot (the DNS root) changes nothing it reaches.
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
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
