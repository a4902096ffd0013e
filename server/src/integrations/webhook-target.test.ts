import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isInternalAddress } from './webhook-target.js';

describe('internal addresses', () => {
  it('include IPv4 wrapped in IPv6 for a gateway to unwrap (NAT64, IPv4-compatible, 6to4), in any spelling', () => {
    for (const address of [
      '64:ff9b::7f00:1', // NAT64: 127.0.0.1
      '64:ff9b::127.0.0.1',
      '64:ff9b::a9fe:a9fe', // 169.254.169.254, cloud metadata
      '64:ff9b:1::a00:1', // local-use NAT64: 10.0.0.1
      '64:ff9b:1:808:800::', // …in any layout (a site's own translator)
      '::ffff:0:127.0.0.1', // IPv4-translated (SIIT)
      '::ffff:0:a9fe:a9fe',
      '::7f00:1', // IPv4-compatible
      '::10.0.0.1',
      '2002:7f00:1::1', // 6to4
      '2002:c0a8:101::', // 192.168.1.1
      '::ffff:7f00:1', // IPv4-mapped, as URLs write it
      '::ffff:127.0.0.1',
      '::1',
      '::',
      'fd12:3456::1',
      // From a security probe: site-local, Teredo, discard-only, the documentation ranges.
      'fec0::1',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '100::1',
      '2001:db8::1',
      '2001:2::1',
      '2001:10::1',
      '2001:20::1',
      '3fff::1',
      '5f00::1',
      '192.0.2.10',
      '198.51.100.7',
      '203.0.113.5',
      '192.88.99.1',
    ]) {
      expect(isInternalAddress(address), address).toBe(true);
    }
  });

  it('leave public ones alone, wrapped or not', () => {
    for (const address of ['64:ff9b::808:808', '::ffff:0:808:808', '2002:808:808::1', '::ffff:8.8.8.8', '2606:4700:4700::1111', '2001:4860:4860::8888', '8.8.8.8']) {
      expect(isInternalAddress(address), address).toBe(false);
    }
  });
});

describe('webhook URLs', () => {
  it('refuse internal names written with the DNS root dot, and wrapped loopback literals', () => {
    for (const url of ['http://localhost./hook', 'http://redis./hook', 'http://db.internal./hook', 'http://[64:ff9b::7f00:1]/hook', 'http://[::ffff:127.0.0.1]/hook']) {
      expect(() => checkWebhookUrl(url, { allowInternal: false }), url).toThrow(/internal address/);
    }
    expect(checkWebhookUrl('https://hooks.example.com./x', { allowInternal: false }).hostname).toBe('hooks.example.com.');
  });
});
