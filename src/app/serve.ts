/**
 * `facteur serve`: first start, TLS material, then every listener. SMTP, IMAP and ManageSieve
 * listeners join here as their issues land.
 */
import { promises as dns } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DNSResolver } from 'mailauth';
import type { SMTPServer } from 'smtp-server';
import { createClientThrottle } from '../core/auth/index.js';
import type { Config } from '../platform/config/index.js';
import type { Logger } from '../platform/log/index.js';
import { ensureCertificate } from '../platform/tls/index.js';
import { createHttpServer } from '../protocols/http/index.js';
import { createMxServer } from '../protocols/smtp/index.js';
import { ensureFirstStart, type FirstStartReport } from './first-start.js';
import { type Facteur, openFacteur, packageRoot } from './open.js';

export interface RunningServer {
  facteur: Facteur;
  http: FastifyInstance;
  httpPort: number;
  smtp: SMTPServer;
  smtpPort: number;
  firstStart: FirstStartReport;
  close(): Promise<void>;
}

export interface StartOptions {
  webRoot?: string;
  /** DNS for SPF/DKIM/DMARC checks; tests inject a fake one. */
  resolver?: DNSResolver;
}

const systemResolver: DNSResolver = (name, rrtype) =>
  dns.resolve(name, rrtype) as Promise<string[][] | string[]>;

export async function startServer(
  config: Config,
  log: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const facteur = await openFacteur(config, log);
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
    const http = await createHttpServer({
      ctx: facteur.ctx,
      throttle,
      log,
      trustProxy: config.trustProxy,
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
      resolver: options.resolver ?? systemResolver,
    });
    await new Promise<void>((resolve, reject) => {
      smtp.once('error', reject);
      smtp.listen(config.smtpPort, config.listenHost, () => {
        smtp.off('error', reject);
        resolve();
      });
    });
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    log.info(
      { event: 'server.listening', proto: 'smtp', port: smtpPort },
      `SMTP listening on ${config.listenHost}:${smtpPort}`,
    );
    return {
      facteur,
      http,
      httpPort,
      smtp,
      smtpPort,
      firstStart,
      async close() {
        log.info({ event: 'server.stopping' }, 'stopping');
        await new Promise<void>((resolve) => smtp.close(() => resolve()));
        await http.close();
        await facteur.close();
      },
    };
  } catch (error) {
    await facteur.close();
    throw error;
  }
}
