/**
 * DNS behind one function, the shape mailauth expects: `resolve(name, rrtype)`. Injected everywhere
 * (SPF/DKIM/DMARC checks, MX lookups for outbound mail), so tests answer from a table at once and
 * nothing reaches the network (mox's MockResolver).
 */
import { promises as dns } from 'node:dns';
import type { DNSResolver } from 'mailauth';

export type { DNSResolver } from 'mailauth';

export const systemResolver: DNSResolver = (name, rrtype) =>
  dns.resolve(name, rrtype) as Promise<string[][] | string[]>;
