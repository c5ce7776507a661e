/**
 * Where an IP address is, as far as an institution can say without a GeoIP database: the name it
 * gave to one of its own networks ("Collège Jean Moulin"), else this computer, a local network or
 * the Internet. Shown next to the address in the list of sessions, so that a person recognises
 * "at school" rather than reading digits.
 *
 * Implementation notes
 * - Pure: no socket, no file, not even `node:net` (the layer rules forbid it). Addresses are parsed
 *   here, as strictly as `net.isIP` (dotted quads without leading zeros, one `::`, an IPv4 tail),
 *   into bigints of 32 or 128 bits; matching is prefix math, since the most specific name must win
 *   (a building inside a campus), which a yes/no BlockList would not say.
 * - IPv4-mapped IPv6 (`::ffff:10.1.2.3`, what a dual-stack socket reports) is read as IPv4, for
 *   addresses and for networks alike, so one IPv4 entry covers both spellings.
 * - `placeOf` never throws: addresses come from sockets and proxies, and a garbage one is simply
 *   'public' (nothing to say). `parseNetworkNames` reads configuration and throws a message
 *   naming the bad entry.
 */
export type Place =
  | { kind: 'named'; name: string }
  | { kind: 'loopback' }
  | { kind: 'private' }
  | { kind: 'public' };

export interface NamedNetwork {
  family: 4 | 6;
  /** The network address, host bits cleared. */
  base: bigint;
  prefix: number;
  name: string;
}

interface Address {
  family: 4 | 6;
  value: bigint;
}

const WIDTH = { 4: 32, 6: 128 } as const;
const MAX_NAME_LENGTH = 100;
const EXAMPLE = 'such as 10.12.0.0/16=Collège Jean Moulin;2001:db8::/32=Rectorat';

export class NetworkNamesError extends Error {
  readonly code = 'config.network_names';
}

/**
 * Reads `CIDR=Name;CIDR=Name` (IPv4 or IPv6; a bare address is a single host). Empty entries
 * (a trailing `;`) are ignored.
 * @throws NetworkNamesError naming the first bad entry.
 */
export function parseNetworkNames(text: string): NamedNetwork[] {
  const networks: NamedNetwork[] = [];
  for (const [index, raw] of text.split(';').entries()) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    const bad = (why: string) => new NetworkNamesError(`entry ${index + 1} ${JSON.stringify(entry)}: ${why}`);
    const equals = entry.indexOf('=');
    if (equals < 0) throw bad(`expected CIDR=Name, ${EXAMPLE}`);
    const cidr = entry.slice(0, equals).trim();
    const name = entry.slice(equals + 1).trim();
    if (name.length === 0) throw bad('the network has no name');
    if (name.length > MAX_NAME_LENGTH) throw bad(`the name is longer than ${MAX_NAME_LENGTH} characters`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
    if (/[\u0000-\u001f\u007f]/.test(name)) throw bad('the name contains control characters');
    const network = parseCidr(cidr);
    if (!network) throw bad(`${JSON.stringify(cidr)} is not an IPv4 or IPv6 network, ${EXAMPLE}`);
    networks.push({ ...network, name });
  }
  // Most specific first: the first match is the longest prefix.
  return networks.sort((a, b) => b.prefix - a.prefix);
}

/** The place of `ip` among the institution's `networks` (from parseNetworkNames), never throwing. */
export function placeOf(ip: string | null | undefined, networks: readonly NamedNetwork[]): Place {
  const address = typeof ip === 'string' ? parseAddress(ip) : undefined;
  if (!address) return { kind: 'public' };
  const named = networks.find((n) => contains(n, address));
  if (named) return { kind: 'named', name: named.name };
  if (BUILT_IN.loopback.some((n) => contains(n, address))) return { kind: 'loopback' };
  if (BUILT_IN.private.some((n) => contains(n, address))) return { kind: 'private' };
  return { kind: 'public' };
}

function contains(network: Omit<NamedNetwork, 'name'>, address: Address): boolean {
  if (network.family !== address.family) return false;
  return mask(address.value, network.family, network.prefix) === network.base;
}

function mask(value: bigint, family: 4 | 6, prefix: number): bigint {
  const hostBits = BigInt(WIDTH[family] - prefix);
  return (value >> hostBits) << hostBits;
}

function parseCidr(text: string): Omit<NamedNetwork, 'name'> | undefined {
  const slash = text.indexOf('/');
  const addressText = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? undefined : text.slice(slash + 1);
  if (addressText.includes('%')) return undefined;
  const raw = parseRaw(addressText);
  if (!raw) return undefined;
  let prefix: number = WIDTH[raw.family];
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > WIDTH[raw.family]) return undefined;
  }
  // An IPv4-mapped network is its IPv4 network, so that it matches mapped and plain addresses.
  let { family, value } = raw;
  if (family === 6 && prefix >= 96 && isMapped(value)) {
    family = 4;
    value &= 0xffff_ffffn;
    prefix -= 96;
  }
  return { family, base: mask(value, family, prefix), prefix };
}

/** An address as sockets report it: IPv4-mapped IPv6 becomes IPv4; a zone (`%eth0`) is dropped. */
function parseAddress(text: string): Address | undefined {
  const raw = parseRaw(text.split('%')[0] ?? '');
  if (raw?.family === 6 && isMapped(raw.value)) return { family: 4, value: raw.value & 0xffff_ffffn };
  return raw;
}

function isMapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const GROUP = /^[0-9a-f]{1,4}$/i;

function parseRaw(text: string): Address | undefined {
  if (text.length > 45) return undefined;
  if (IPV4.test(text)) return { family: 4, value: ipv4Value(text) };
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const split = (half: string) => (half === '' ? [] : half.split(':'));
  const left = split(halves[0] ?? '');
  const right = halves.length === 2 ? split(halves[1] ?? '') : [];
  // An IPv4 tail (::ffff:10.1.2.3) stands for the last two groups.
  const last = halves.length === 2 ? right : left;
  let tail: bigint | undefined;
  if (last.length > 0 && IPV4.test(last[last.length - 1] ?? '')) {
    tail = ipv4Value(last.pop() ?? '');
    last.push('0', '0');
  }
  if (![...left, ...right].every((group) => GROUP.test(group))) return undefined;
  const count = left.length + right.length;
  if (halves.length === 2 ? count > 7 : count !== 8) return undefined;
  const groups = [...left, ...Array<string>(8 - count).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  if (tail !== undefined) value = (value & ~0xffff_ffffn) | tail;
  return { family: 6, value };
}

function ipv4Value(text: string): bigint {
  return text.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function builtIn(cidrs: string[]): Omit<NamedNetwork, 'name'>[] {
  return cidrs.map((cidr) => {
    const network = parseCidr(cidr);
    if (!network) throw new Error(`bad built-in network ${cidr}`);
    return network;
  });
}

const BUILT_IN = {
  loopback: builtIn(['127.0.0.0/8', '::1/128']),
  // RFC 1918, IPv4 link-local, IPv6 unique local (fc00::/7) and link-local (fe80::/10).
  private: builtIn([
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '169.254.0.0/16',
    'fc00::/7',
    'fe80::/10',
  ]),
};
