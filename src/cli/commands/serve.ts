import { startServer } from '../../app/index.js';
import type { Config } from '../../platform/config/index.js';
import type { Logger } from '../../platform/log/index.js';
import type { Output } from '../output.js';

/** Runs until SIGINT or SIGTERM, then closes the listeners and the database. */
export async function serveCommand(config: Config, log: Logger, output: Output): Promise<void> {
  const started = Date.now();
  const server = await startServer(config, log);
  const { admin, domainCreated } = server.firstStart;
  if (domainCreated) output.err(`Domain ${domainCreated} created.`);
  if (admin) {
    // Printed once, never logged: the log must not contain secrets.
    output.err(
      [
        '',
        '  Facteur administrator account created',
        `    identifier: ${admin.identifier}`,
        `    address:    ${admin.address}`,
        admin.fromEnvironment
          ? '    password:   (from FACTEUR_ADMIN_PASSWORD)'
          : `    one-time password: ${admin.password}`,
        '    It must be changed at first sign-in.',
        '',
      ].join('\n'),
    );
  }
  output.err(
    `Facteur is ready on http://localhost:${server.httpPort}/ (started in ${Date.now() - started} ms)`,
  );
  log.info({ event: 'server.started', ms: Date.now() - started }, 'started');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
}
