import { BlockList, isIP } from 'node:net';
import { randomBytes } from 'node:crypto';
import { inCidr, internalKind, literalHostRefusal, parseAddress, parseCidr, refusal, type AddressPolicy } from '../integrations/address-policy';

const addr = (text: string) => {
  const a = parseAddress(text);
  if (!a) throw new Error(`not an address: ${text}`);
  return a;
};
const PRODUCTION: AddressPolicy = { allowLoopback: false, allowedNetworks: [] };
const DEVELOPMENT: AddressPolicy = { allowLoopback: true, allowedNetworks: [] };

describe('parseAddress', () => {
  it('reads IPv4 and IPv6, with or without brackets, and nothing else', () => {
    expect(parseAddress('127.0.0.1')).toEqual({ family: 4, value: 0x7f000001n });
    expect(parseAddress('::1')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('[::1]')).toEqual({ family: 6, value: 1n });
    expect(parseAddress('::')).toEqual({ family: 6, value: 0n });
    expect(parseAddress('2001:db8::8a2e:370:7334')?.value).toBe(0x20010db8000000000000_8a2e03707334n);
    expect(parseAddress('::ffff:10.1.2.3')).toEqual({ family: 6, value: (0xffffn << 32n) | 0x0a010203n });
    expect(parseAddress('fe80::1%eth0')?.family).toBe(6);
    for (const bad of ['localhost', 'example.com', '1.2.3', '1.2.3.4.5', '256.0.0.1', '010.0.0.1', '1::2::3', '1:2:3:4:5:6:7:8:9', ':::', '12345::', '', 'g::1', '1:2:3:4:5:6:7:8::']) {
      expect(parseAddress(bad)).toBeUndefined();
    }
  });

  it('agrees with node:net.isIP on random and edge inputs', () => {
    const samples = ['0.0.0.0', '255.255.255.255', '1:2:3:4:5:6:7:8', '::1:2:3:4:5:6:7', '1:2:3:4:5:6::', '1::', '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4'];
    for (let i = 0; i < 300; i++) {
      const b = randomBytes(16);
      samples.push([...b.subarray(0, 4)].join('.'));
      const groups = Array.from({ length: 8 }, (_, g) => b.readUInt16BE(g * 2).toString(16));
      const cut = b[0] % 8;
      samples.push(b[1] % 2 ? groups.join(':') : `${groups.slice(0, cut).join(':')}::${groups.slice(cut + 1).join(':')}`);
    }
    for (const s of samples) expect([s, parseAddress(s)?.family ?? 0]).toEqual([s, isIP(s)]);
  });
});

describe('internalKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.1.2', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:7f00:1', 'loopback'],
  ])('%s is %s', (text, kind) => {
    expect(internalKind(addr(text))).toBe(kind);
  });

  it.each(['8.8.8.8', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '169.253.255.255', '192.169.0.1', '2606:4700::1111', 'fec0::1', 'fe7f::1', '::ffff:8.8.8.8', '::2'])('%s is public', (text) => {
    expect(internalKind(addr(text))).toBeUndefined();
  });
});

describe('CIDR matching', () => {
  it('parses networks and bare addresses, refuses malformed ones', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, bits: 8, base: 0x0a000000n });
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ base: 0x0a000000n });
    expect(parseCidr('fd00::/8')).toMatchObject({ family: 6, bits: 8 });
    expect(parseCidr('192.0.2.7')).toMatchObject({ bits: 32 });
    expect(parseCidr('0.0.0.0/0')).toMatchObject({ bits: 0, base: 0n });
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/08', 'example.com/8', '10.0.0.0/-1', '']) expect(parseCidr(bad)).toBeUndefined();
  });

  it('an IPv4-mapped address matches its IPv4 network and a mapped network its IPv4 address', () => {
    expect(inCidr(addr('::ffff:10.9.8.7'), parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(inCidr(addr('10.9.8.7'), parseCidr('::ffff:10.0.0.0/104')!)).toBe(true);
    expect(inCidr(addr('10.9.8.7'), parseCidr('fd00::/8')!)).toBe(false);
  });

  it('agrees with node:net.BlockList on random networks and addresses', () => {
    for (let i = 0; i < 200; i++) {
      const b = randomBytes(40);
      const v6 = b[0] % 2 === 1;
      const bits = b[1] % (v6 ? 129 : 33);
      const net = v6 ? Array.from({ length: 8 }, (_, g) => b.readUInt16BE(2 + g * 2).toString(16)).join(':') : [...b.subarray(2, 6)].join('.');
      // Half the probes share the network's first bytes, so matches happen as often as misses.
      const probeBytes = Buffer.from(b.subarray(20, 36));
      if (b[39] % 2) (v6 ? b.subarray(2, 18) : b.subarray(2, 6)).copy(probeBytes, 0, 0, v6 ? 12 : 3);
      const probe = v6 ? Array.from({ length: 8 }, (_, g) => probeBytes.readUInt16BE(g * 2).toString(16)).join(':') : [...probeBytes.subarray(0, 4)].join('.');
      const list = new BlockList();
      list.addSubnet(net, bits, v6 ? 'ipv6' : 'ipv4');
      expect([net, bits, probe, inCidr(addr(probe), parseCidr(`${net}/${bits}`)!)]).toEqual([net, bits, probe, list.check(probe, v6 ? 'ipv6' : 'ipv4')]);
    }
  });
});

describe('refusal and literalHostRefusal', () => {
  it('production refuses every internal kind; development allows loopback only', () => {
    expect(refusal(addr('127.0.0.1'), PRODUCTION)).toBe('loopback');
    expect(refusal(addr('127.0.0.1'), DEVELOPMENT)).toBeUndefined();
    expect(refusal(addr('::1'), DEVELOPMENT)).toBeUndefined();
    expect(refusal(addr('10.1.2.3'), DEVELOPMENT)).toBe('private');
    expect(refusal(addr('8.8.8.8'), PRODUCTION)).toBeUndefined();
  });

  it('OUTBOUND_ALLOWED_NETWORKS lets the listed networks through, and only them', () => {
    const policy: AddressPolicy = { allowLoopback: false, allowedNetworks: [parseCidr('127.0.0.0/8')!, parseCidr('10.20.0.0/16')!] };
    expect(refusal(addr('127.0.0.1'), policy)).toBeUndefined();
    expect(refusal(addr('::ffff:127.0.0.1'), policy)).toBeUndefined();
    expect(refusal(addr('::1'), policy)).toBe('loopback');
    expect(refusal(addr('10.20.3.4'), policy)).toBeUndefined();
    expect(refusal(addr('10.21.3.4'), policy)).toBe('private');
  });

  it('at registration: literal internal addresses and localhost are refused, names pass', () => {
    for (const host of ['127.0.0.1', '169.254.169.254', '[::1]', '10.1.2.3', 'localhost', 'LOCALHOST', 'api.localhost', '[::ffff:127.0.0.1]', '0.0.0.0']) {
      expect([host, literalHostRefusal(host, PRODUCTION)]).toEqual([host, expect.stringMatching(/is a (loopback|link-local|private|unspecified) address/)]);
    }
    for (const host of ['hooks.example.com', '8.8.8.8', '[2606:4700::1111]']) expect(literalHostRefusal(host, PRODUCTION)).toBeUndefined();
    expect(literalHostRefusal('localhost', { allowLoopback: false, allowedNetworks: [parseCidr('127.0.0.0/8')!] })).toBeUndefined();
  });
});
