import { BlockList, isIP } from 'node:net';

/**
 * Address ranges a webhook must never reach: the host itself, the cloud metadata service, the
 * operator's private networks, and everything reserved (IANA special-purpose registries).
 * Each range is named, so a refusal says what kind of address it met (the first match wins).
 */
const IPV4_RANGES: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const IPV6_RANGES: readonly [string, number, string][] = [
  ['::1', 128, 'loopback'],
  // The unspecified address (::) and the deprecated IPv4-compatible ones (::a.b.c.d).
  ['::', 96, 'unspecified'],
  ['100::', 64, 'reserved'],
  ['2001::', 23, 'reserved'],
  ['2001:db8::', 32, 'documentation'],
  // 6to4 tunnels to any IPv4 address, private ones included.
  ['2002::', 16, 'reserved'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
];

function rangesOf(ranges: readonly [string, number, string][], family: 'ipv4' | 'ipv6') {
  return ranges.map(([network, prefix, kind]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    return { list, kind, family };
  });
}

const V4 = rangesOf(IPV4_RANGES, 'ipv4');
const V6 = rangesOf(IPV6_RANGES, 'ipv6');

/**
 * Why `address` (an IP literal, no brackets) is not a public unicast address, or null when it
 * is. IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are judged by the
 * IPv4 address they carry. Anything that is not an IP address counts as not public.
 */
export function nonPublicKind(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return V4.find((r) => r.list.check(address, 'ipv4'))?.kind ?? null;
  if (family !== 6) return 'not an IP address';
  const groups = ipv6Groups(address);
  if (!groups) return 'not an IP address';
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  const nat64 =
    groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((g) => g === 0);
  if (mapped || nat64) {
    const v4 = [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
    const kind = nonPublicKind(v4);
    return kind === null ? null : `${kind} (IPv4 in IPv6)`;
  }
  return V6.find((r) => r.list.check(address, 'ipv6'))?.kind ?? null;
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted quad allowed, no zone id). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const parse = (part: string | undefined) =>
    part ? part.split(':').map((g) => Number.parseInt(g, 16)) : [];
  const left = parse(head);
  const right = parse(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const groups = [...left, ...new Array<number>(Math.max(fill, 0)).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}
