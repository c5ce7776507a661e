/**
 * A DNS resolver for tests (mox's MockResolver): answers from a table, and ENOTFOUND otherwise, at
 * once, so SPF/DKIM/DMARC checks run without a network and deterministically.
 */
import type { DNSResolver } from 'mailauth';

/** `{ 'example.org': { TXT: [['v=spf1 -all']], MX: [{ exchange: 'mx.example.org', priority: 10 }] } }` */
export type FakeDnsRecords = Record<string, Record<string, unknown[]>>;

export function createFakeResolver(records: FakeDnsRecords): DNSResolver {
  return async (name: string, rrtype: string) => {
    const answer = records[name.toLowerCase().replace(/\.$/, '')]?.[rrtype];
    if (answer === undefined) {
      throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
    }
    return answer as string[][];
  };
}
