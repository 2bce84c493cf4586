import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAllowedHosts } from '#shared/config.ts';
import { checkedLookup, RefusedTargetError, refusedAddress, refusedHost, systemResolver } from '#shared/userinfo/target.ts';

const refused = (uri: string, allowed = parseAllowedHosts('')) => refusedHost(new URL(uri), allowed);

/** Every way `URL` accepts to write one IPv4 address in a host. */
function spellings([a, b, c, d]: number[]): string[] {
  const n = ((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0;
  const hex = (x: number) => x.toString(16).padStart(2, '0');
  return [
    `${a}.${b}.${c}.${d}`,
    String(n),
    `0x${n.toString(16)}`,
    `${a}.${(b! << 16) | (c! << 8) | d!}`,
    `0x${hex(a!)}.0x${hex(b!)}.0x${hex(c!)}.0x${hex(d!)}`,
    `[::ffff:${a}.${b}.${c}.${d}]`,
    `[::ffff:${hex(a!)}${hex(b!)}:${hex(c!)}${hex(d!)}]`,
  ];
}

const octet = fc.integer({ min: 0, max: 255 });
/** IPv4 addresses in a refused range: loopback, private, link-local, CGNAT, unspecified. */
const refusedIpv4 = fc.oneof(
  fc.tuple(fc.constant(127), octet, octet, octet),
  fc.tuple(fc.constant(10), octet, octet, octet),
  fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
  fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
  fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
  fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
  fc.tuple(fc.constant(0), octet, octet, octet),
);

describe('external source targets', () => {
  it('refuses every spelling of a refused IPv4 address, once `URL` has normalised it', () => {
    fc.assert(
      fc.property(refusedIpv4, (ip) => {
        for (const host of spellings(ip)) expect(refused(`http://${host}:8080/x`), host).toBeDefined();
      }),
    );
  });

  it.each([
    ['http://[::1]/', 'a loopback address'],
    ['http://[::]/', 'the unspecified address'],
    ['http://[fe80::1]/', 'a link-local address'],
    ['http://[fd00:ec2::254]/', 'a unique-local address'],
    ['http://[::127.0.0.1]/', 'a reserved address'],
    ['http://[64:ff9b::a9fe:a9fe]/', 'a reserved address'],
    ['http://[2002:a9fe:a9fe::]/', 'a reserved address'],
    ['http://224.0.0.1/', 'a multicast address'],
    ['http://255.255.255.255/', 'the broadcast address'],
    ['http://LOCALHOST./', 'a loopback name'],
    ['http://api.localhost/', 'a loopback name'],
  ])('refuses %s as %s', (uri, why) => {
    expect(refused(uri)).toBe(why);
  });

  it('accepts public addresses and names, which are checked again once resolved', () => {
    for (const uri of ['http://8.8.8.8/', 'https://[2606:4700:4700::1111]/', 'https://hr.example.com/groups', 'http://172.32.0.1/']) expect(refused(uri), uri).toBeUndefined();
  });

  it('lets an allowed host through, on any port or on its own port only', () => {
    const allowed = parseAllowedHosts(' 127.0.0.1 , [::1]:8443,Intranet.example:80');
    expect(allowed).toEqual([{ host: '127.0.0.1' }, { host: '[::1]', port: 8443 }, { host: 'intranet.example', port: 80 }]);
    expect(refused('http://127.0.0.1:9999/', allowed)).toBeUndefined();
    expect(refused('http://127.1/', allowed)).toBeUndefined();
    expect(refused('https://[::1]:8443/', allowed)).toBeUndefined();
    expect(refused('https://[::1]/', allowed)).toBe('a loopback address');
    expect(refused('http://127.0.0.2/', allowed)).toBe('a loopback address');
  });

  it('refuses an allow-list entry that is not a host or host:port', () => {
    for (const entry of ['http://x', 'x/y', 'u@x', 'x?y', 'x:port', '::1']) expect(() => parseAllowedHosts(entry), entry).toThrow('WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS');
  });

  it('classifies resolved addresses the same way', () => {
    expect(refusedAddress('::ffff:169.254.169.254')).toBe('a link-local address');
    expect(refusedAddress('93.184.215.14')).toBeUndefined();
  });

  it('refuses a connection to a name the system resolver resolves to loopback', async () => {
    const err = await new Promise<unknown>((resolve) => checkedLookup(systemResolver)('localhost', { all: true }, (e) => resolve(e)));
    expect(err).toBeInstanceOf(RefusedTargetError);
  });
});
