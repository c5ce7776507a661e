/**
 * SMTP client for outbound mail: one message to the recipients of one domain (RFC 5321), on
 * nodemailer's low-level `smtp-connection`.
 *
 * Implementation notes
 * - Where to connect (RFC 5321 §5.1): the domain's MX records by preference, hosts of equal
 *   preference in random order; no MX record → the domain itself (implicit MX) by its A/AAAA
 *   records; a null MX (`0 .`, RFC 7505 §3) → permanent failure 5.1.10, no connection at all. A
 *   domain that does not resolve at all fails with 5.1.2; a DNS error (SERVFAIL, timeout) defers.
 *   Addresses are looked up through the injected resolver (A before AAAA), never the system's, so
 *   tests and deployments see the same DNS. In smarthost mode (`relay`) every message goes to the
 *   relay and no MX is looked up.
 * - The next host is tried only when no SMTP transaction took place (refused connection, timeout,
 *   bad greeting, TLS or EHLO failure). Once a server has answered MAIL/RCPT/DATA, its answer is the
 *   outcome: trying another MX after a 5xx would turn a refusal into a duplicate.
 * - At most MAX_CONNECTION_ATTEMPTS addresses per delivery (Postfix's `smtp_mx_address_limit`): a
 *   domain publishing dozens of unreachable MX hosts cannot hold a worker for hours.
 * - Opportunistic TLS (RFC 3207): STARTTLS whenever offered, with the certificate not verified,
 *   since an MX certificate is not bound to anything the sender can check without MTA-STS (RFC
 *   8461) or DANE (RFC 7672). If the TLS handshake fails, the same address is tried once more in
 *   plain text, as Postfix does at `smtp_tls_security_level = may`.
 *   TODO(RFC 8461, RFC 7672): enforce MTA-STS and DANE policies.
 * - SIZE (RFC 1870): the size is declared in MAIL FROM, and a message larger than the server's
 *   announced limit is not sent at all: a permanent failure 5.3.4.
 * - Per-recipient results: each RCPT reply decides its recipient (2xx accepted, 4xx deferred, 5xx
 *   failed); a MAIL FROM or DATA reply decides every accepted recipient; a connection lost after
 *   the envelope defers them all (RFC 5321 §6.1 prefers a duplicate to a loss).
 * - Timeouts from RFC 5321 §4.5.3.2: 5 minutes for the greeting, 10 minutes of silence at most (the
 *   wait after the final dot); the TCP connect gets 30 s, since an unreachable host would otherwise
 *   hold the worker for the system's TCP timeout.
 */
import { isIP } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { DomainDelivery, OutboundTransport, RecipientResult } from '../../core/outbound/index.js';
import type { DNSResolver } from '../../platform/dns/index.js';
import type { Logger } from '../../platform/log/index.js';

/** Most addresses tried for one delivery (Postfix `smtp_mx_address_limit`). */
export const MAX_CONNECTION_ATTEMPTS = 5;
export const DEFAULT_SMTP_PORT = 25;
/** RFC 8314 §3: implicit TLS for `smtps://` relays. */
const DEFAULT_SMTPS_PORT = 465;

export interface OutboundTimeouts {
  connectMs: number;
  greetingMs: number;
  socketMs: number;
}

export const DEFAULT_TIMEOUTS: OutboundTimeouts = {
  connectMs: 30_000,
  greetingMs: 5 * 60_000,
  socketMs: 10 * 60_000,
};

export interface RelayTarget {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (`smtps://`), else opportunistic STARTTLS. */
  secure?: boolean;
}

export interface OutboundClientOptions {
  /** Our host name, sent in EHLO. */
  hostname: string;
  resolver: DNSResolver;
  log: Logger;
  /** Smarthost: every message goes there, without MX lookups. */
  relay?: RelayTarget;
  /** Port of the MX hosts (25; tests point it at a sink on an ephemeral port). */
  remotePort?: number;
  timeouts?: Partial<OutboundTimeouts>;
}

interface Target {
  /** Host name (MX exchange or relay) for SNI and the DSN's Remote-MTA. */
  name: string;
  address: string;
  port: number;
  secure: boolean;
}

type Resolution =
  | { kind: 'targets'; targets: Target[] }
  | { kind: 'failed'; outcome: 'deferred' | 'failed'; status: string; reason: string };

/** Parses `FACTEUR_RELAY` (`smtp://host:port` or `smtps://host:port`). @throws RangeError otherwise. */
export function parseRelayUrl(url: string): RelayTarget {
  const match = /^(smtps?):\/\/([^\s/:]+)(?::(\d{1,5}))?\/?$/.exec(url);
  if (!match) throw new RangeError(`expected smtp://host:port or smtps://host:port, got ${url}`);
  const secure = match[1] === 'smtps';
  const port = match[3] === undefined ? (secure ? DEFAULT_SMTPS_PORT : DEFAULT_SMTP_PORT) : Number(match[3]);
  if (port < 1 || port > 65_535) throw new RangeError(`port out of range in ${url}`);
  return { host: match[2] as string, port, secure };
}

/** The transport the queue runner uses: MX (or relay) resolution, then one SMTP transaction. */
export function createSmtpTransport(options: OutboundClientOptions): OutboundTransport {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  return (delivery) => deliverToDomain(options, timeouts, delivery);
}

async function deliverToDomain(
  options: OutboundClientOptions,
  timeouts: OutboundTimeouts,
  delivery: DomainDelivery,
): Promise<RecipientResult[]> {
  const resolution = options.relay
    ? { kind: 'targets' as const, targets: await relayTargets(options.resolver, options.relay) }
    : await resolveMx(options.resolver, delivery.domain, options.remotePort ?? DEFAULT_SMTP_PORT);
  if (resolution.kind === 'failed') {
    return delivery.recipients.map((recipient) => ({
      recipient,
      outcome: resolution.outcome,
      status: resolution.status,
      response: resolution.reason,
    }));
  }
  const log = options.log.child({ proto: 'smtp-out', queueId: delivery.queueId, domain: delivery.domain });
  let lastError = 'no address to connect to';
  for (const target of resolution.targets) {
    for (const plaintextFallback of [false, true]) {
      const attempt = await attemptDelivery(options.hostname, timeouts, target, delivery, plaintextFallback);
      if (attempt.kind === 'done') return attempt.results;
      lastError = `${target.name}[${target.address}]:${target.port}: ${attempt.error}`;
      log.info(
        {
          event: 'outbound.connection.failed',
          host: target.name,
          address: target.address,
          error: attempt.error,
        },
        'outbound connection failed',
      );
      if (!attempt.isTlsFailure || target.secure) break;
    }
  }
  return delivery.recipients.map((recipient) => ({
    recipient,
    outcome: 'deferred' as const,
    status: '4.4.1',
    response: `connection failed: ${lastError}`,
  }));
}

async function relayTargets(resolver: DNSResolver, relay: RelayTarget): Promise<Target[]> {
  const addresses = await addressesOf(resolver, relay.host);
  return addresses.slice(0, MAX_CONNECTION_ATTEMPTS).map((address) => ({
    name: relay.host,
    address,
    port: relay.port,
    secure: relay.secure === true,
  }));
}

interface MxRecord {
  exchange: string;
  priority: number;
}

/** RFC 5321 §5.1 and RFC 7505: the addresses to try for `domain`, in order. */
export async function resolveMx(resolver: DNSResolver, domain: string, port: number): Promise<Resolution> {
  let hosts: string[];
  let isImplicit = false;
  try {
    const records = (await resolver(domain, 'MX')) as unknown as MxRecord[];
    const usable = records.filter((r) => r.exchange !== '' && r.exchange !== '.');
    if (usable.length === 0) {
      return {
        kind: 'failed',
        outcome: 'failed',
        status: '5.1.10',
        reason: `${domain} has a null MX (RFC 7505)`,
      };
    }
    hosts = byPreference(usable);
  } catch (error) {
    if (!isNoSuchRecord(error)) {
      return {
        kind: 'failed',
        outcome: 'deferred',
        status: '4.4.3',
        reason: `MX lookup for ${domain} failed: ${codeOf(error)}`,
      };
    }
    hosts = [domain];
    isImplicit = true;
  }
  const targets: Target[] = [];
  for (const host of hosts) {
    for (const address of await addressesOf(resolver, host)) {
      if (targets.length < MAX_CONNECTION_ATTEMPTS)
        targets.push({ name: host, address, port, secure: false });
    }
  }
  if (targets.length > 0) return { kind: 'targets', targets };
  return isImplicit
    ? { kind: 'failed', outcome: 'failed', status: '5.1.2', reason: `${domain} has no MX and no address` }
    : {
        kind: 'failed',
        outcome: 'deferred',
        status: '4.4.3',
        reason: `no address for the MX hosts of ${domain}`,
      };
}

/** Sorted by preference; RFC 5321 §5.1 asks for a random order among equal preferences. */
function byPreference(records: MxRecord[]): string[] {
  return records
    .map((r) => ({ ...r, tiebreak: Math.random() }))
    .sort((a, b) => a.priority - b.priority || a.tiebreak - b.tiebreak)
    .map((r) => r.exchange.replace(/\.$/, '').toLowerCase());
}

async function addressesOf(resolver: DNSResolver, host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  const addresses: string[] = [];
  for (const rrtype of ['A', 'AAAA']) {
    try {
      addresses.push(...((await resolver(host, rrtype)) as unknown as string[]));
    } catch (error) {
      if (!isNoSuchRecord(error)) throw error;
    }
  }
  return addresses;
}

function isNoSuchRecord(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENODATA' || code === 'ENOTFOUND';
}

function codeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : String((error as Error)?.message ?? error);
}

type Attempt =
  | { kind: 'done'; results: RecipientResult[] }
  | { kind: 'unreachable'; error: string; isTlsFailure: boolean };

interface SmtpError extends Error {
  code?: string;
  response?: string;
  responseCode?: number;
  recipient?: string;
  rejectedErrors?: SmtpError[];
}

/** One connection: handshake (failures → `unreachable`), then one transaction (→ `done`). */
async function attemptDelivery(
  hostname: string,
  timeouts: OutboundTimeouts,
  target: Target,
  delivery: DomainDelivery,
  isPlaintextFallback: boolean,
): Promise<Attempt> {
  const connection = new SMTPConnection({
    host: target.address,
    port: target.port,
    name: hostname,
    secure: target.secure,
    ignoreTLS: isPlaintextFallback,
    opportunisticTLS: true,
    ...(isIP(target.name) ? {} : { servername: target.name }),
    tls: { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    logger: false,
  });
  // Errors are also emitted as events; without a listener they would crash the process.
  let connectionError: SmtpError | undefined;
  connection.on('error', (error: SmtpError) => {
    connectionError ??= error;
  });
  try {
    await new Promise<void>((resolve, reject) => {
      connection.once('error', reject);
      connection.once('end', () => reject(connectionError ?? new Error('connection closed')));
      connection.connect(() => resolve());
    });
  } catch (error) {
    connection.close();
    const e = error as SmtpError;
    return { kind: 'unreachable', error: describe(e), isTlsFailure: e.code === 'ETLS' };
  }
  try {
    const message = await delivery.openMessage();
    const info = await new Promise<{ accepted: string[]; rejectedErrors?: SmtpError[]; response: string }>(
      (resolve, reject) => {
        connection.send(
          {
            from: delivery.mailFrom === '' ? false : delivery.mailFrom,
            to: delivery.recipients,
            size: delivery.size,
            use8BitMime: true,
          },
          message,
          (error, sent) => (error ? reject(error) : resolve(sent as NonNullable<typeof sent>)),
        );
      },
    );
    const results: RecipientResult[] = [];
    for (const recipient of info.accepted) {
      results.push({
        recipient,
        outcome: 'delivered',
        status: enhancedCode(info.response, '2.0.0'),
        response: oneLine(info.response),
        remoteMta: target.name,
      });
    }
    for (const rejected of info.rejectedErrors ?? []) results.push(rcptResult(rejected, target));
    return { kind: 'done', results };
  } catch (error) {
    return { kind: 'done', results: failedTransaction(error as SmtpError, delivery, target) };
  } finally {
    connection.quit();
    connection.close();
  }
}

function rcptResult(error: SmtpError, target: Target): RecipientResult {
  const code = error.responseCode ?? 451;
  const response = oneLine(error.response ?? error.message);
  return {
    recipient: error.recipient ?? '',
    outcome: code >= 500 ? 'failed' : 'deferred',
    status: enhancedCode(response, code >= 500 ? '5.0.0' : '4.0.0'),
    response,
    remoteMta: target.name,
  };
}

function failedTransaction(error: SmtpError, delivery: DomainDelivery, target: Target): RecipientResult[] {
  if (error.rejectedErrors && error.rejectedErrors.length > 0) {
    // Every RCPT was refused: each reply decides its recipient.
    return error.rejectedErrors.map((rejected) => rcptResult(rejected, target));
  }
  let result: Omit<RecipientResult, 'recipient'>;
  if (error.responseCode !== undefined) {
    const response = oneLine(error.response ?? error.message);
    const isPermanent = error.responseCode >= 500;
    result = {
      outcome: isPermanent ? 'failed' : 'deferred',
      status: enhancedCode(response, isPermanent ? '5.0.0' : '4.0.0'),
      response,
      remoteMta: target.name,
    };
  } else if (error.code === 'EMESSAGE' && /size/i.test(error.message)) {
    // RFC 1870 §6: larger than the SIZE the server announced; it will not shrink on retry.
    result = { outcome: 'failed', status: '5.3.4', response: oneLine(error.message), remoteMta: target.name };
  } else {
    result = {
      outcome: 'deferred',
      status: '4.4.2',
      response: `connection to ${target.name} lost: ${describe(error)}`,
      remoteMta: target.name,
    };
  }
  return delivery.recipients.map((recipient) => ({ recipient, ...result }));
}

const ENHANCED = /^[245]\d\d[ -]([245]\.\d{1,3}\.\d{1,3})\b/;

/** The RFC 3463 code of a reply (`550 5.1.1 …` → `5.1.1`), or `fallback` when it carries none. */
function enhancedCode(reply: string, fallback: string): string {
  return ENHANCED.exec(reply)?.[1] ?? fallback;
}

/** A multi-line reply as one line (continuation lines joined), for storage and DSNs. */
function oneLine(reply: string): string {
  return reply.replace(/\r?\n/g, ' ').trim();
}

function describe(error: SmtpError): string {
  return oneLine(error.response ?? `${error.code ?? 'error'}: ${error.message}`);
}
