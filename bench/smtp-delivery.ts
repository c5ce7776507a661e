/**
 * SMTP delivery end to end: real corpus messages (SpamAssassin) sent to `facteur serve` over SMTP
 * with 1, 10 and 50 concurrent connections, one message per transaction, to 100 local mailboxes;
 * "end to end" means acknowledged with 250, which Facteur sends only once the message is stored,
 * counted and indexed. Prints messages/s per concurrency and the server's peak RSS.
 * Run after `npm run build`:  npx tsx bench/smtp-delivery.ts [messagesPerRun]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listCorpusFiles } from '../test/corpus/corpus-files.js';
import { SmtpClient } from '../test/helpers/smtp-client.js';
import { median, ROOT, spawnServer, waitForQuietCpu } from './lib.js';

const perRun = Number(process.argv[2] ?? 2000);
const MAILBOXES = 100;

// Corpus messages without their mbox envelope line, CRLF as on the wire.
const corpus = listCorpusFiles()
  .slice(0, 3000)
  .map((file) => {
    let text = readFileSync(file).toString('latin1');
    if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
    return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
  });
const averageBytes = corpus.reduce((s, m) => s + m.length, 0) / corpus.length;

const server = await spawnServer({ FACTEUR_DOMAIN: 'ac-test.fr' });
const smtpPort = Number(/"proto":"smtp","port":(\d+)/.exec(server.stdout())?.[1] ?? 0);
try {
  for (let i = 0; i < MAILBOXES; i++) {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, 'bin/facteur.js'),
        'user',
        'add',
        '--first',
        `Prenom${i}`,
        '--last',
        `Nom${i}`,
        '--domain',
        'ac-test.fr',
      ],
      {
        env: {
          ...process.env,
          FACTEUR_DATA_DIR: server.dataDir,
          FACTEUR_ARGON2_MEMORY_KIB: '1024',
          FACTEUR_ARGON2_TIME_COST: '1',
        },
      },
    );
    if (r.status !== 0) throw new Error(String(r.stderr));
  }
  let peakRss = 0;
  const sampler = setInterval(() => {
    const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    peakRss = Math.max(peakRss, rss);
  }, 100);
  console.log(
    `SMTP delivery to facteur, ${perRun} corpus messages per run (average ${(averageBytes / 1024).toFixed(1)} KiB), ${MAILBOXES} mailboxes`,
  );
  let sent = 0;
  for (const connections of [1, 10, 50]) {
    const rates: number[] = [];
    for (let run = 0; run < 3; run++) {
      await waitForQuietCpu();
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: connections }, async () => {
          const client = await SmtpClient.open(smtpPort);
          for (let i = next++; i < perRun; i = next++) {
            const message = corpus[(sent + i) % corpus.length] as Buffer;
            const reply = await client.sendMessage(
              'bench@example.org',
              [`prenom${i % MAILBOXES}.nom${i % MAILBOXES}@ac-test.fr`],
              message,
            );
            if (reply.code !== 250) throw new Error(`refused: ${reply.code} ${reply.text}`);
          }
          client.close();
        }),
      );
      rates.push(perRun / ((performance.now() - started) / 1000));
      sent += perRun;
    }
    console.log(
      `  ${String(connections).padStart(2)} connections: ${median(rates).toFixed(0)} msg/s  [${rates.map((r) => r.toFixed(0)).join(', ')}]`,
    );
  }
  clearInterval(sampler);
  console.log(`  server peak RSS: ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  await server.stop();
}
