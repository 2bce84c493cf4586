import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { AllowedHost } from '#shared/config.ts';

/**
 * Which hosts an external source may be: only public unicast addresses, unless the host is
 * listed in env `WARDEN_EXTERNAL_SOURCE_ALLOWED_HOSTS`. A source is asked with the IAM's
 * credentials whenever any of its users asks about itself, so a private target would let an
 * admin's URL (or a name that later resolves elsewhere) reach the metadata service, the
 * database or anything else beside Warden. Cloud metadata endpoints (`169.254.169.254`,
 * `169.254.170.2`, `fd00:ec2::254`, `100.100.100.200`) fall in the refused ranges.
 */

/** A connection the address checks refused; `reason` is one of a fixed set of words. */
export class RefusedTargetError extends Error {
  constructor(readonly reason: string) {
    super(`refused target: ${reason}`);
    this.name = 'RefusedTargetError';
  }
}

/** The port a URL connects to. */
const portOf = (url: URL): number => (url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80);

/** True when the URL's host (and port) is on the allow-list. */
export function isAllowedHost(url: URL, allowed: readonly AllowedHost[]): boolean {
  return allowed.some((a) => a.host === url.hostname && (a.port === undefined || a.port === portOf(url)));
}

const RANGE_WORDS: Readonly<Record<string, string>> = {
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  private: 'a private address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
};
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/** Why an IP address may not be a target (a fixed phrase), or undefined for a public unicast one. */
export function refusedAddress(address: string): string | undefined {
  // `process` turns IPv4-mapped IPv6 (`::ffff:169.254.169.254`) into the IPv4 address it is.
  const ip = ipaddr.process(address);
  const range = ip.range();
  if (range === 'unicast' && (ip.kind() === 'ipv4' || ip.match(GLOBAL_UNICAST_V6))) return undefined;
  // NAT64, 6to4, Teredo and the like embed an IPv4 address, and the rest is not routable.
  return RANGE_WORDS[range] ?? 'a reserved address';
}

/** The IP literal of a URL's host, without brackets, or undefined when the host is a name. */
function literalOf(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return ipaddr.isValid(host) ? host : undefined;
}

/**
 * Why a URL may not be an external source before any name is resolved (a fixed phrase), or
 * undefined. `URL` has already normalised the host (`127.1`, `2130706433` and `0x7f.1` are
 * `127.0.0.1`); names of loopback (RFC 6761 `localhost`) are refused without asking DNS.
 */
export function refusedHost(url: URL, allowed: readonly AllowedHost[]): string | undefined {
  if (isAllowedHost(url, allowed)) return undefined;
  const literal = literalOf(url);
  if (literal !== undefined) return refusedAddress(literal);
  const name = url.hostname.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') ? 'a loopback name' : undefined;
}

/** Resolves a name to every address it has (`dns.lookup`, as Node's own connections do). */
export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver. */
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * A `lookup` for `http.request` that resolves the name once, refuses the connection when any
 * address it resolves to is refused (unless `check` is off: an allowed host), and hands the
 * socket exactly the addresses it checked, so the connection can only go where the check
 * looked (there is no second resolution to rebind).
 */
export function checkedLookup(resolver: Resolver, check = true): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family || 0;
    resolver(hostname).then(
      (addresses) => {
        const refused = check ? addresses.map((a) => refusedAddress(a.address)).find((r) => r !== undefined) : undefined;
        if (refused) return callback(new RefusedTargetError(refused), '');
        const usable = addresses.filter((a) => !family || a.family === family);
        const first = usable[0];
        if (!first) return callback(Object.assign(new Error(`no address for \`${hostname}\``), { code: 'ENOTFOUND' }), '');
        // With `all` (Node's happy eyeballs) the socket takes the list; else one address.
        if (options.all) callback(null, usable);
        else callback(null, first.address, first.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, ''),
    );
  };
}
