/**
 * `facteur serve` for the bench scripts, with one difference: SPF/DKIM/DMARC lookups get an immediate
 * NXDOMAIN instead of going to the system resolver, so a benchmark sends no traffic beyond
 * 127.0.0.1 and does not measure a remote DNS server (the corpus' From domains are real ones).
 * Same compiled code (dist/) and same configuration (FACTEUR_* environment) as `facteur serve`.
 * Prints one JSON line on stderr once listening: {"ready":true,"httpPort":…,"smtpPort":…,"imapPort":…,"imapsPort":…}.
 * Run by bench/lib.ts spawnOfflineServer(); needs `npm run build:server`.
 */
import { startServer } from '../dist/src/app/index.js';
import { loadConfig } from '../dist/src/platform/config/index.js';
import { createLogger } from '../dist/src/platform/log/index.js';

const nxdomain = async (name) => {
  throw Object.assign(new Error(`queryTxt ENOTFOUND ${name}`), { code: 'ENOTFOUND', hostname: name });
};
const config = loadConfig(process.env);
const server = await startServer(config, createLogger({ level: config.logLevel }), { resolver: nxdomain });
process.stderr.write(
  `${JSON.stringify({ ready: true, httpPort: server.httpPort, smtpPort: server.smtpPort, imapPort: server.imapPort, imapsPort: server.imapsPort })}\n`,
);
const stop = () => {
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
  server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
