/**
 * Which addresses an outbound request may connect to (docs/design.md §20, "Outbound
 * destinations"): loopback, private (RFC 1918), link-local, CGNAT, unique-local and unspecified
 * addresses are internal, refused unless OUTBOUND_ALLOWED_NETWORKS lists them; loopback is
 * allowed outside production. Pure: parsing, classifying and CIDR matching, no DNS, no sockets.
 */

export type Family = 4 | 6;

export interface Address {
  family: Family;
  /** The address as a number: 32 bits for IPv4, 128 for IPv6. */
  value: bigint;
}

export interface Cidr {
  family: Family;
  base: bigint;
  bits: number;
  /** As written in the configuration, for messages. */
  text: string;
}

export type InternalKind = 'loopback' | 'private' | 'link-local' | 'cgnat' | 'unique-local' | 'unspecified';

export interface AddressPolicy {
  /** Loopback is allowed outside production (NODE_ENV !== 'production'). */
  allowLoopback: boolean;
  /** OUTBOUND_ALLOWED_NETWORKS: internal addresses in these are allowed. */
  allowedNetworks: readonly Cidr[];
}

const WIDTH: Record<Family, number> = { 4: 32, 6: 128 };

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIPv6(input: string): bigint | undefined {
  let text = input;
  // A zone (fe80::1%eth0) names an interface, not another address.
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9A-Fa-f]{1,4}$/.test(p)) return undefined;
        out.push(parseInt(p, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
}

/** An IP address in text (IPv6 with or without brackets), or undefined when `text` is not one. */
export function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIPv4(bare);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = bare.includes(':') ? parseIPv6(bare) : undefined;
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** ::ffff:a.b.c.d is the IPv4 address a.b.c.d: classified and matched as one. */
export function unmapped(a: Address): Address {
  if (a.family === 6 && a.value >> 32n === 0xffffn) return { family: 4, value: a.value & 0xffffffffn };
  return a;
}

/** `10.0.0.0/8`, `fd00::/8`, or a bare address (a /32 or /128); undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) return undefined;
  const width = WIDTH[address.family];
  const bitsText = slash < 0 ? String(width) : text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bitsText) || Number(bitsText) > width) return undefined;
  const bits = Number(bitsText);
  return { family: address.family, base: address.value & mask(address.family, bits), bits, text };
}

function mask(family: Family, bits: number): bigint {
  const width = BigInt(WIDTH[family]);
  return bits === 0 ? 0n : ((1n << BigInt(bits)) - 1n) << (width - BigInt(bits));
}

/** Whether `address` is in `cidr`; an IPv4-mapped IPv6 address matches IPv4 networks, and the other way round. */
export function inCidr(address: Address, cidr: Cidr): boolean {
  const a = unmapped(address);
  const c: Cidr = cidr.family === 6 && cidr.bits >= 96 && cidr.base >> 32n === 0xffffn ? { ...cidr, family: 4, base: cidr.base & 0xffffffffn, bits: cidr.bits - 96 } : cidr;
  return a.family === c.family && (a.value & mask(c.family, c.bits)) === c.base;
}

const cidr = (text: string): Cidr => parseCidr(text)!;

const INTERNAL: ReadonlyArray<[InternalKind, Cidr]> = [
  ['unspecified', cidr('0.0.0.0/8')],
  ['loopback', cidr('127.0.0.0/8')],
  ['private', cidr('10.0.0.0/8')],
  ['private', cidr('172.16.0.0/12')],
  ['private', cidr('192.168.0.0/16')],
  ['link-local', cidr('169.254.0.0/16')],
  ['cgnat', cidr('100.64.0.0/10')],
  ['unspecified', cidr('::/128')],
  ['loopback', cidr('::1/128')],
  ['link-local', cidr('fe80::/10')],
  ['unique-local', cidr('fc00::/7')],
];

/** Which internal range `address` is in, or undefined for a public address. */
export function internalKind(address: Address): InternalKind | undefined {
  const a = unmapped(address);
  return INTERNAL.find(([, range]) => inCidr(a, range))?.[0];
}

/** Why the policy refuses `address` (its internal kind), or undefined when it may be connected to. */
export function refusal(address: Address, policy: AddressPolicy): InternalKind | undefined {
  const kind = internalKind(address);
  if (kind === undefined) return undefined;
  if (kind === 'loopback' && policy.allowLoopback) return undefined;
  if (policy.allowedNetworks.some((n) => inCidr(address, n))) return undefined;
  return kind;
}

/** Hosts that name this machine without DNS. */
export const isLocalhostName = (host: string): boolean => /^localhost\.?$/i.test(host) || /\.localhost\.?$/i.test(host);

/**
 * At registration (docs/design.md §20): why a URL's host — a literal address or `localhost` — is
 * refused under `policy`, or undefined when it is a name (checked when the connection is made)
 * or an allowed address.
 */
export function literalHostRefusal(host: string, policy: AddressPolicy): string | undefined {
  if (isLocalhostName(host)) {
    const kind = refusal({ family: 4, value: parseIPv4('127.0.0.1')! }, policy);
    return kind && `"${host}" is a ${kind} address`;
  }
  const address = parseAddress(host);
  if (!address) return undefined;
  const kind = refusal(address, policy);
  return kind && `${host} is a ${kind} address`;
}
