// The SSRF guard as a table: no sockets, no DNS.
import { describe, expect, it } from 'vitest';
import { checkAddress, checkUrl, parseIPv4, parseIPv6 } from '../../src/adapters/ssrf.ts';

const refused: [ip: string, reason: RegExp][] = [
  ['127.0.0.1', /loopback/],
  ['127.255.255.254', /loopback/],
  ['::1', /loopback/],
  ['[::1]', /loopback/],
  ['0:0:0:0:0:0:0:1', /loopback/],
  ['10.0.0.5', /private/],
  ['172.16.0.1', /private/],
  ['172.31.255.255', /private/],
  ['192.168.1.1', /private/],
  ['fc00::1', /private/],
  ['fd12:3456:789a::1', /private/],
  ['fec0::1', /site-local/],
  ['169.254.1.1', /link-local/],
  ['fe80::1', /link-local/],
  ['fe80::1%eth0', /link-local/],
  ['169.254.169.254', /metadata/],
  ['fd00:ec2::254', /metadata/],
  ['100.100.100.200', /metadata/],
  ['100.64.0.1', /carrier-grade NAT/],
  ['100.127.255.255', /carrier-grade NAT/],
  ['0.0.0.0', /unspecified/],
  ['0.1.2.3', /this network/],
  ['::', /unspecified/],
  ['224.0.0.1', /multicast/],
  ['239.255.255.250', /multicast/],
  ['ff02::1', /multicast/],
  ['255.255.255.255', /broadcast/],
  ['240.0.0.1', /reserved/],
  ['192.0.2.10', /documentation/],
  ['198.51.100.7', /documentation/],
  ['203.0.113.9', /documentation/],
  ['198.18.0.1', /benchmarking/],
  ['192.0.0.8', /reserved/],
  ['2001:db8::1', /documentation/],
  ['100::1', /discard/],
  ['4000::1', /reserved/],
  // IPv4 wrapped in IPv6
  ['::ffff:127.0.0.1', /loopback address 127\.0\.0\.1 wrapped as IPv4-mapped/],
  ['::ffff:7f00:1', /loopback address 127\.0\.0\.1 wrapped as IPv4-mapped/],
  ['::ffff:a9fe:a9fe', /metadata address 169\.254\.169\.254/],
  ['::ffff:10.1.2.3', /private/],
  ['::127.0.0.1', /loopback.*IPv4-compatible/],
  ['::7f00:1', /loopback.*IPv4-compatible/],
  ['::8.8.8.8', /reserved/],
  ['::ffff:0:127.0.0.1', /loopback.*IPv4-translated/],
  ['64:ff9b::10.0.0.1', /private address 10\.0\.0\.1 wrapped as NAT64/],
  ['64:ff9b::7f00:1', /loopback.*NAT64/],
  ['64:ff9b:1::1', /local-use NAT64/],
  ['2002:7f00:1::', /loopback address 127\.0\.0\.1 wrapped as 6to4/],
  ['2002:c0a8:101::1', /private address 192\.168\.1\.1 wrapped as 6to4/],
  ['2001:0:4136:e378:8000:63bf:80ff:fffe', /loopback address 127\.0\.0\.1 wrapped as Teredo/],
  // Odd IPv4 spellings, as inet_aton and the URL parser read them
  ['2130706433', /loopback/],
  ['0x7f000001', /loopback/],
  ['0x7f.1', /loopback/],
  ['127.1', /loopback/],
  ['0177.0.0.1', /loopback/],
  ['012.0.0.1', /private/],
  ['0xa9.0xfe.0xa9.0xfe', /metadata/],
  // Not addresses at all
  ['example.com', /not an IP address/],
  ['', /not an IP address/],
  ['1.2.3.4.5', /not an IP address/],
  ['256.1.1.1', /not an IP address/],
  ['1:2:3:4:5:6:7:8:9', /not an IP address/],
  ['1::2::3', /not an IP address/],
];

const allowed = [
  '8.8.8.8',
  '151.101.0.81',
  '172.15.255.255',
  '172.32.0.1',
  '100.63.255.255',
  '100.128.0.1',
  '169.253.0.1',
  '11.0.0.1',
  '223.255.255.255',
  '2a00:1450:4009:81f::200e',
  '2001:4860:4860::8888',
  '::ffff:8.8.8.8',
  '::ffff:808:808',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  '010.0.0.1', // octal 010 = 8: 8.0.0.1, as the URL parser would connect
];

describe('checkAddress', () => {
  it.each(refused)('refuses %s', (ip, reason) => {
    const c = checkAddress(ip);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toMatch(reason);
  });

  it.each(allowed)('allows %s', (ip) => {
    expect(checkAddress(ip)).toEqual({ ok: true });
  });

  it('allowPrivate opens loopback/private/link-local but never metadata, multicast, broadcast or unspecified', () => {
    for (const ip of ['127.0.0.1', '::1', '10.0.0.5', '192.168.1.1', 'fd12::1', 'fe80::1', '100.64.0.1', '::ffff:127.0.0.1']) {
      expect(checkAddress(ip, { allowPrivate: true }), ip).toEqual({ ok: true });
    }
    for (const ip of ['169.254.169.254', 'fd00:ec2::254', '100.100.100.200', '::ffff:169.254.169.254', '224.0.0.1', 'ff02::1', '255.255.255.255', '0.0.0.0', '::']) {
      expect(checkAddress(ip, { allowPrivate: true }).ok, ip).toBe(false);
    }
  });
});

describe('address parsers', () => {
  it('reads IPv4 like inet_aton', () => {
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIPv4('1.2.772')).toBe(0x01020304);
    expect(parseIPv4('0x1.0x2.0x3.0x4')).toBe(0x01020304);
    expect(parseIPv4('1.2.3.04x')).toBeUndefined();
    expect(parseIPv4('1.2.3.')).toBeUndefined();
  });
  it('reads IPv6 with :: and dotted tails', () => {
    expect(parseIPv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(parseIPv6('1::')).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    expect(parseIPv6('1:2:3:4:5:6:7:8::')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
  });
});

describe('checkUrl', () => {
  const cases: [url: string, ok: boolean, reason?: RegExp][] = [
    ['https://www.gov.uk/government/news.atom', true],
    ['http://example.org:8080/feed', true],
    ['https://example.org:1/feed', true],
    ['ftp://example.org/feed', false, /scheme ftp: is not allowed/],
    ['file:///etc/passwd', false, /scheme file:/],
    ['javascript:alert(1)', false, /scheme javascript:/],
    ['gopher://127.0.0.1:6379/_INFO', false, /scheme gopher:/],
    ['https://user:pass@example.org/', false, /credentials/],
    ['https://user@example.org/', false, /credentials/],
    ['/relative/path', false, /not a valid absolute URL/],
    ['http://127.0.0.1:6379/', false, /loopback address 127\.0\.0\.1/],
    ['http://[::1]/', false, /loopback/],
    ['http://[::ffff:127.0.0.1]/', false, /loopback/],
    ['http://0x7f.1/', false, /loopback/],
    ['http://2130706433/', false, /loopback/],
    ['http://0177.0.0.1/', false, /loopback/],
    ['http://169.254.169.254/latest/meta-data/', false, /metadata/],
    ['http://[fd00:ec2::254]/', false, /metadata/],
    ['http://localhost:3000/', false, /loopback/],
    ['http://app.localhost/', false, /loopback/],
    ['http://LOCALHOST./', false, /loopback/],
    ['http://10.0.0.5/', false, /private/],
  ];
  it.each(cases)('%s -> ok=%s', (url, ok, reason) => {
    const c = checkUrl(url);
    expect(c.ok).toBe(ok);
    if (!c.ok && reason) expect(c.reason).toMatch(reason);
  });

  it('allowPrivate admits loopback hosts but not other schemes or credentials', () => {
    expect(checkUrl('http://127.0.0.1:8080/', { allowPrivate: true }).ok).toBe(true);
    expect(checkUrl('http://localhost/', { allowPrivate: true }).ok).toBe(true);
    expect(checkUrl('http://169.254.169.254/', { allowPrivate: true }).ok).toBe(false);
    expect(checkUrl('ftp://127.0.0.1/', { allowPrivate: true }).ok).toBe(false);
    expect(checkUrl('http://a:b@127.0.0.1/', { allowPrivate: true }).ok).toBe(false);
  });
});
