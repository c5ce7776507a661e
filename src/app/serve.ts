/**
 * `facteur serve`: first start, TLS material, then every listener. SMTP, IMAP and ManageSieve
 * listeners join here as their issues land.
 */
import type { AddressInfo, Server as NetServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { SMTPServer } from 'smtp-server';
import { createClientThrottle } from '../core/auth/index.js';
import { createRecovery } from '../core/recovery/index.js';
import { createQueueRunner, createSubmissionReleaser, parseRelayUrl } from '../jobs/index.js';
import type { Config } from '../platform/config/index.js';
import type { DNSResolver } from '../platform/dns/index.js';
import type { Logger } from '../platform/log/index.js';
import { ensureCertificate } from '../platform/tls/index.js';
import { createHttpServer } from '../protocols/http/index.js';
import { createImapServers } from '../protocols/imap/index.js';
import { createMxServer, createSubmissionServers } from '../protocols/smtp/index.js';
import { ensureFirstStart, type FirstStartReport } from './first-start.js';
import { type Facteur, openFacteur, packageRoot } from './open.js';

export interface RunningServer {
  facteur: Facteur;
  http: FastifyInstance;
  httpPort: number;
  smtp: SMTPServer;
  smtpPort: number;
  submissionPort: number;
  submissionsPort: number;
  imapPort: number;
  imapsPort: number;
  firstStart: FirstStartReport;
  close(): Promise<void>;
}

export interface StartOptions {
  webRoot?: string;
  /** DNS for SPF/DKIM/DMARC checks; tests inject a fake one. */
  resolver?: DNSResolver;
}

export async function startServer(
  config: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const facteur = await openFacteur(config, log, undefined, options.resolver);
  try {
    const firstStart = await ensureFirstStart(facteur.ctx, config);
    const tls = await ensureCertificate(join(facteur.dataDir, 'tls'), [
      `mail.${config.domain}`,
      config.domain,
      'localhost',
    ]);
    if (tls.created)
      log.info({ event: 'setup.certificate_created', path: tls.certPath }, 'self-signed certificate created');
    const throttle = createClientThrottle({
      clock: facteur.ctx.clock,
      maxFailures: config.clientThrottleFailures,
      windowMs: config.clientThrottleMinutes * 60_000,
    });
    const hostname = config.hostname ?? `mail.${config.domain}`;
    // Filled with the bound ports once each listener is up (ephemeral ports in tests).
    const clientSetup = {
      hostname,
      institutionName: config.institutionName,
      imapPort: config.imapPort,
      imapsPort: config.imapsPort,
      submissionPort: config.submissionPort,
      submissionsPort: config.submissionsPort,
    };
    const recovery = createRecovery(facteur.ctx, {
      limits: {
        perClient: config.recoveryRequestsPerClient,
        perNumen: config.recoveryRequestsPerNumen,
        windowMs: config.recoveryWindowMinutes * 60_000,
      },
      minResponseMs: config.recoveryMinResponseMs,
      powMaxCounter: config.recoveryPowMaxCounter,
      publicUrl: config.publicUrl ?? `https://${hostname}`,
    });
    const http = await createHttpServer({
      clientSetup: () => clientSetup,
      recovery,
      ctx: facteur.ctx,
      throttle,
      log,
      trustProxy: config.trustProxy,
      maxUploadBytes: config.maxMessageBytes,
      networkNames: config.networkNames,
      webRoot: options.webRoot ?? join(packageRoot(), 'dist', 'web'),
      portal: {
        institutionName: config.institutionName,
        logoUrl: config.institutionLogoUrl ?? null,
        helpUrl: config.helpUrl ?? null,
        domain: config.domain,
      },
    });
    await http.listen({ host: config.listenHost, port: config.httpPort });
    const address = http.server.address();
    const httpPort = typeof address === 'object' && address ? address.port : config.httpPort;
    log.info(
      { event: 'server.listening', proto: 'http', port: httpPort },
      `HTTP listening on ${config.listenHost}:${httpPort}`,
    );
    const smtp = createMxServer({
      ctx: facteur.ctx,
      log,
      hostname: config.hostname ?? `mail.${config.domain}`,
      tls: { key: tls.key, cert: tls.cert },
      maxMessageBytes: config.maxMessageBytes,
      resolver: facteur.ctx.dns,
      rateLimit: { perMinute: config.smtpRecipientsPerMinute, exempt: config.smtpRateLimitExempt },
    });
    const smtpPort = await listen(smtp, config.smtpPort, config.listenHost);
    log.info(
      { event: 'server.listening', proto: 'smtp', port: smtpPort },
      `SMTP listening on ${config.listenHost}:${smtpPort}`,
    );
    const submission = createSubmissionServers({
      ctx: facteur.ctx,
      log,
      hostname: config.hostname ?? `mail.${config.domain}`,
      tls: { key: tls.key, cert: tls.cert },
      maxMessageBytes: config.maxMessageBytes,
      throttle,
    });
    const submissionPort = await listen(submission.starttls, config.submissionPort, config.listenHost);
    const submissionsPort = await listen(submission.implicitTls, config.submissionsPort, config.listenHost);
    clientSetup.submissionPort = submissionPort;
    clientSetup.submissionsPort = submissionsPort;
    log.info(
      { event: 'server.listening', proto: 'submission', port: submissionPort, tlsPort: submissionsPort },
      `submission listening on ${config.listenHost}:${submissionPort} (STARTTLS) and ${submissionsPort} (TLS)`,
    );
    const imap = createImapServers({
      ctx: facteur.ctx,
      log,
      throttle,
      tls: { key: tls.key, cert: tls.cert },
      cleartextLoopback: config.imapCleartextLoopback,
      maxMessageBytes: config.maxMessageBytes,
    });
    const imapPort = await listenNet(imap.starttls, config.imapPort, config.listenHost);
    const imapsPort = await listenNet(imap.implicitTls, config.imapsPort, config.listenHost);
    clientSetup.imapPort = imapPort;
    clientSetup.imapsPort = imapsPort;
    log.info(
      { event: 'server.listening', proto: 'imap', port: imapPort, tlsPort: imapsPort },
      `IMAP listening on ${config.listenHost}:${imapPort} (STARTTLS) and ${imapsPort} (TLS)`,
    );
    const queue = createQueueRunner({
      ctx: facteur.ctx,
      log,
      hostname: config.hostname ?? `mail.${config.domain}`,
      ...(config.relay ? { relay: parseRelayUrl(config.relay) } : {}),
      ...(config.outboundPort === undefined ? {} : { remotePort: config.outboundPort }),
      concurrency: config.outboundConcurrency,
    });
    queue.start();
    const releaser = createSubmissionReleaser(facteur.ctx, log);
    releaser.start();
    return {
      facteur,
      http,
      httpPort,
      smtp,
      smtpPort,
      submissionPort,
      submissionsPort,
      imapPort,
      imapsPort,
      firstStart,
      async close() {
        log.info({ event: 'server.stopping' }, 'stopping');
        for (const server of [smtp, submission.starttls, submission.implicitTls]) {
          await new Promise<void>((resolve) => server.close(() => resolve()));
        }
        await imap.close();
        await releaser.stop();
        await queue.stop();
        await http.close();
        await facteur.close();
      },
    };
  } catch (error) {
    await facteur.close();
    throw error;
  }
}

function listenNet(server: NetServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function listen(server: SMTPServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.server.address() as AddressInfo).port);
    });
  });
}
