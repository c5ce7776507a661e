/**
 * The outbound SMTP client against local sinks (smtp-server on 127.0.0.1 ephemeral ports) and a
 * DNS answered from a table: MX choice, per-recipient replies, SIZE, STARTTLS, connection failures.
 */
import { Readable, Writable } from 'node:stream';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakeResolver, type FakeDnsRecords } from '../../../test/helpers/dns.js';
import type { DomainDelivery } from '../../core/outbound/index.js';
import { createLogger } from '../../platform/log/index.js';
import { createSmtpTransport, MAX_CONNECTION_ATTEMPTS, parseRelayUrl, resolveMx } from './outbound-client.js';

const RAW = Buffer.from(
  'From: a@ac-test.fr\r\nTo: b@example.net\r\nSubject: essai\r\n\r\nBonjour.\r\n',
  'utf8',
);
const log = createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });

interface Sink {
  port: number;
  log: string[];
  close(): Promise<void>;
}

const sinks: Sink[] = [];
afterEach(async () => {
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

type Reply = { code: number; text: string } | undefined;
const reply = (r: Reply) => (r ? Object.assign(new Error(r.text), { responseCode: r.code }) : undefined);

/** A sink that records `EHLO name`, `MAIL from`, `RCPT to`, `DATA bytes secure`. */
async function startSink(
  behaviour: { rcpt?: (address: string) => Reply; data?: () => Reply } = {},
  options: Partial<SMTPServerOptions> = {},
): Promise<Sink> {
  const sink: Sink = { port: 0, log: [], close: async () => {} };
  const server = new SMTPServer({
    disabledCommands: ['AUTH'],
    hideENHANCEDSTATUSCODES: true,
    logger: false,
    onMailFrom(address, session, callback) {
      sink.log.push(`EHLO ${session.hostNameAppearsAs}`, `MAIL <${address.address}>`);
      callback();
    },
    onRcptTo(address, _session, callback) {
      sink.log.push(`RCPT <${address.address}>`);
      callback(reply(behaviour.rcpt?.(address.address)));
    },
    onData(stream, session, callback) {
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on('end', () => {
        sink.log.push(`DATA ${bytes}${session.secure ? ' tls' : ''}`);
        callback(reply(behaviour.data?.()));
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = (server.server.address() as { port: number }).port;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  sinks.push(sink);
  return sink;
}

const DNS: FakeDnsRecords = {
  'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
  'mx.example.net': { A: ['127.0.0.1'] },
};

function delivery(recipients: string[], over: Partial<DomainDelivery> = {}): DomainDelivery {
  return {
    queueId: 'q1',
    mailFrom: 'sylvie.dupont@ac-test.fr',
    domain: 'example.net',
    recipients,
    size: RAW.length,
    openMessage: async () => Readable.from([RAW]),
    ...over,
  };
}

function transport(port: number, records: FakeDnsRecords = DNS) {
  return createSmtpTransport({
    hostname: 'mail.ac-test.fr',
    resolver: createFakeResolver(records),
    log,
    remotePort: port,
    timeouts: { connectMs: 2_000, greetingMs: 5_000, socketMs: 5_000 },
  });
}

describe('MX resolution', () => {
  const resolver = createFakeResolver({
    'multi.example': {
      MX: [
        { exchange: 'backup.multi.example', priority: 20 },
        { exchange: 'primary.multi.example.', priority: 5 },
      ],
    },
    'primary.multi.example': { A: ['192.0.2.1'], AAAA: ['2001:db8::1'] },
    'backup.multi.example': { A: ['192.0.2.2'] },
    'implicit.example': { A: ['192.0.2.3'] },
    'null.example': { MX: [{ exchange: '', priority: 0 }] },
    'dangling.example': { MX: [{ exchange: 'nowhere.dangling.example', priority: 10 }] },
  });

  it('orders MX hosts by preference, IPv4 before IPv6, on the given port', async () => {
    expect(await resolveMx(resolver, 'multi.example', 25)).toEqual({
      kind: 'targets',
      targets: [
        { name: 'primary.multi.example', address: '192.0.2.1', port: 25, secure: false },
        { name: 'primary.multi.example', address: '2001:db8::1', port: 25, secure: false },
        { name: 'backup.multi.example', address: '192.0.2.2', port: 25, secure: false },
      ],
    });
  });

  it('falls back to the domain’s own address without MX (RFC 5321 §5.1)', async () => {
    expect(await resolveMx(resolver, 'implicit.example', 25)).toEqual({
      kind: 'targets',
      targets: [{ name: 'implicit.example', address: '192.0.2.3', port: 25, secure: false }],
    });
  });

  it('fails permanently on a null MX (RFC 7505) and on a domain without MX or address', async () => {
    expect(await resolveMx(resolver, 'null.example', 25)).toEqual({
      kind: 'failed',
      outcome: 'failed',
      status: '5.1.10',
      reason: 'null.example has a null MX (RFC 7505)',
    });
    expect(await resolveMx(resolver, 'absent.example', 25)).toEqual({
      kind: 'failed',
      outcome: 'failed',
      status: '5.1.2',
      reason: 'absent.example has no MX and no address',
    });
  });

  it('defers on a DNS failure and on MX hosts without an address', async () => {
    const servfail = async () => {
      throw Object.assign(new Error('queryMx ESERVFAIL'), { code: 'ESERVFAIL' });
    };
    expect(await resolveMx(servfail, 'example.net', 25)).toEqual({
      kind: 'failed',
      outcome: 'deferred',
      status: '4.4.3',
      reason: 'MX lookup for example.net failed: ESERVFAIL',
    });
    expect(await resolveMx(resolver, 'dangling.example', 25)).toMatchObject({
      outcome: 'deferred',
      status: '4.4.3',
    });
  });

  it(`tries at most ${MAX_CONNECTION_ATTEMPTS} addresses`, async () => {
    const records: FakeDnsRecords = {
      'big.example': {
        MX: Array.from({ length: 8 }, (_, i) => ({ exchange: `mx${i}.big.example`, priority: i })),
      },
    };
    for (let i = 0; i < 8; i += 1) records[`mx${i}.big.example`] = { A: [`192.0.2.${i + 10}`] };
    const result = await resolveMx(createFakeResolver(records), 'big.example', 25);
    expect(result.kind === 'targets' && result.targets.map((t) => t.name)).toEqual([
      'mx0.big.example',
      'mx1.big.example',
      'mx2.big.example',
      'mx3.big.example',
      'mx4.big.example',
    ]);
  });
});

describe('relay URL', () => {
  it('parses smtp:// and smtps:// with their default ports', () => {
    expect(parseRelayUrl('smtp://relay.ac-test.fr:2525')).toEqual({
      host: 'relay.ac-test.fr',
      port: 2525,
      secure: false,
    });
    expect(parseRelayUrl('smtp://relay.ac-test.fr')).toEqual({
      host: 'relay.ac-test.fr',
      port: 25,
      secure: false,
    });
    expect(parseRelayUrl('smtps://relay.ac-test.fr')).toEqual({
      host: 'relay.ac-test.fr',
      port: 465,
      secure: true,
    });
    expect(() => parseRelayUrl('http://relay.ac-test.fr')).toThrow(RangeError);
    expect(() => parseRelayUrl('smtp://relay.ac-test.fr:70000')).toThrow(RangeError);
  });
});

describe('SMTP delivery', () => {
  it('sends EHLO with our name, upgrades with STARTTLS and reports each RCPT reply', async () => {
    const sink = await startSink({
      rcpt: (address) =>
        address.startsWith('later')
          ? { code: 452, text: '4.2.2 mailbox full' }
          : address.startsWith('nobody')
            ? { code: 550, text: '5.1.1 no such user' }
            : undefined,
    });
    const results = await transport(sink.port)(
      delivery(['bob@example.net', 'later@example.net', 'nobody@example.net']),
    );
    expect(results.sort((a, b) => a.recipient.localeCompare(b.recipient))).toEqual([
      {
        recipient: 'bob@example.net',
        outcome: 'delivered',
        status: '2.0.0',
        response: expect.stringMatching(/^250 /),
        remoteMta: 'mx.example.net',
      },
      {
        recipient: 'later@example.net',
        outcome: 'deferred',
        status: '4.2.2',
        response: '452 4.2.2 mailbox full',
        remoteMta: 'mx.example.net',
      },
      {
        recipient: 'nobody@example.net',
        outcome: 'failed',
        status: '5.1.1',
        response: '550 5.1.1 no such user',
        remoteMta: 'mx.example.net',
      },
    ]);
    expect(sink.log).toEqual([
      'EHLO mail.ac-test.fr',
      'MAIL <sylvie.dupont@ac-test.fr>',
      'RCPT <bob@example.net>',
      'RCPT <later@example.net>',
      'RCPT <nobody@example.net>',
      `DATA ${RAW.length} tls`,
    ]);
  });

  it('sends a null sender as MAIL FROM:<>', async () => {
    const sink = await startSink();
    await transport(sink.port)(delivery(['bob@example.net'], { mailFrom: '' }));
    expect(sink.log.slice(1, 2)).toEqual(['MAIL <>']);
  });

  it('tries the next MX when the first refuses the connection', async () => {
    const sink = await startSink();
    const records: FakeDnsRecords = {
      'example.net': {
        MX: [
          { exchange: 'down.example.net', priority: 5 },
          { exchange: 'mx.example.net', priority: 10 },
        ],
      },
      'down.example.net': { A: ['127.0.0.2'] },
      'mx.example.net': { A: ['127.0.0.1'] },
    };
    const [result] = await transport(sink.port, records)(delivery(['bob@example.net']));
    expect(result).toMatchObject({ outcome: 'delivered', remoteMta: 'mx.example.net' });
  });

  it('defers every recipient with 4.4.1 when no MX can be reached', async () => {
    const sink = await startSink();
    const port = sink.port;
    await sink.close();
    sinks.splice(0);
    const results = await transport(port)(delivery(['bob@example.net', 'alice@example.net']));
    expect(results.map((r) => [r.recipient, r.outcome, r.status])).toEqual([
      ['bob@example.net', 'deferred', '4.4.1'],
      ['alice@example.net', 'deferred', '4.4.1'],
    ]);
    expect(results[0]?.response).toMatch(/^connection failed: mx\.example\.net\[127\.0\.0\.1\]:\d+: /);
  });

  it('fails every recipient on a 5xx after DATA and defers them on a 4xx', async () => {
    const refusing = await startSink({ data: () => ({ code: 554, text: '5.7.1 spam' }) });
    expect(await transport(refusing.port)(delivery(['bob@example.net', 'alice@example.net']))).toMatchObject([
      { recipient: 'bob@example.net', outcome: 'failed', status: '5.7.1', response: '554 5.7.1 spam' },
      { recipient: 'alice@example.net', outcome: 'failed', status: '5.7.1', response: '554 5.7.1 spam' },
    ]);
    const busy = await startSink({ data: () => ({ code: 451, text: 'local error' }) });
    expect(await transport(busy.port)(delivery(['bob@example.net']))).toMatchObject([
      { recipient: 'bob@example.net', outcome: 'deferred', status: '4.0.0', response: '451 local error' },
    ]);
  });

  it('sends a message of exactly the announced SIZE and refuses one byte more with 5.3.4', async () => {
    const atLimit = await startSink({}, { size: RAW.length });
    expect(await transport(atLimit.port)(delivery(['bob@example.net']))).toMatchObject([
      { outcome: 'delivered' },
    ]);
    const belowLimit = await startSink({}, { size: RAW.length - 1 });
    expect(await transport(belowLimit.port)(delivery(['bob@example.net']))).toMatchObject([
      { outcome: 'failed', status: '5.3.4' },
    ]);
    expect(belowLimit.log).toEqual([]);
  });

  it('relays every domain to the smarthost without looking up MX records', async () => {
    const sink = await startSink();
    const relay = createSmtpTransport({
      hostname: 'mail.ac-test.fr',
      resolver: createFakeResolver({}),
      log,
      relay: { host: '127.0.0.1', port: sink.port },
    });
    expect(await relay(delivery(['x@nowhere.example'], { domain: 'nowhere.example' }))).toMatchObject([
      { recipient: 'x@nowhere.example', outcome: 'delivered', remoteMta: '127.0.0.1' },
    ]);
  });
});
