/**
 * "Nothing acknowledged is lost": several connections deliver over SMTP to `facteur serve`, the
 * server is killed with SIGKILL in the middle, restarted on the same data directory, and every
 * message that got 250 is found exactly once, with its blob complete (its SHA-256 is its id).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SmtpClient } from '../helpers/smtp-client.js';
import { assertBuilt, ROOT } from './browser.js';

async function startServe(
  dataDir: string,
): Promise<{ stop(signal: NodeJS.Signals): Promise<void>; smtpPort: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/facteur.js'), 'serve'], {
    env: {
      ...process.env,
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_DOMAIN: 'ac-test.fr',
      FACTEUR_HTTP_PORT: '0',
      FACTEUR_SMTP_PORT: '0',
      FACTEUR_SUBMISSION_PORT: '0',
      FACTEUR_SUBMISSIONS_PORT: '0',
      FACTEUR_IMAP_PORT: '0',
      FACTEUR_IMAPS_PORT: '0',
      FACTEUR_LISTEN_HOST: '127.0.0.1',
      FACTEUR_LOG_LEVEL: 'info',
      FACTEUR_ARGON2_MEMORY_KIB: '1024',
      FACTEUR_ARGON2_TIME_COST: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout?.on('data', (c) => {
    logs += String(c);
  });
  const smtpPort = await new Promise<number>((resolve, reject) => {
    const check = () => {
      const match = /"proto":"smtp","port":(\d+)/.exec(logs);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${logs}`)));
  });
  return {
    smtpPort,
    stop: (signal) =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}

describe('crash safety', () => {
  it('keeps every acknowledged message exactly once across a SIGKILL', async () => {
    assertBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), 'facteur-crash-'));
    const first = await startServe(dataDir);
    const add = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/facteur.js'),
        'user',
        'add',
        '--first',
        'Sylvie',
        '--last',
        'Dupont',
        '--domain',
        'ac-test.fr',
      ],
      {
        env: {
          ...process.env,
          FACTEUR_DATA_DIR: dataDir,
          FACTEUR_ARGON2_MEMORY_KIB: '1024',
          FACTEUR_ARGON2_TIME_COST: '1',
        },
      },
    );
    await new Promise((resolve) => add.once('exit', resolve));

    const acknowledged = new Set<string>();
    let killed = false;
    const sender = async (connection: number) => {
      const client = await SmtpClient.open(first.smtpPort);
      for (let i = 0; !killed; i++) {
        const token = `c${connection}-m${i}`;
        const message = Buffer.from(
          `From: load@example.org\r\nTo: sylvie.dupont@ac-test.fr\r\nSubject: ${token}\r\nMessage-ID: <${token}@example.org>\r\n\r\n${'Ligne de texte pour remplir le message.\r\n'.repeat(50 + i)}`,
        );
        const reply = await client.sendMessage('load@example.org', ['sylvie.dupont@ac-test.fr'], message);
        if (reply.code === 250) acknowledged.add(token);
        else break;
      }
      client.close();
    };
    const senders = Array.from({ length: 5 }, (_, i) => sender(i));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await first.stop('SIGKILL');
    killed = true;
    await Promise.all(senders);
    expect(acknowledged.size).toBeGreaterThan(10);

    // The restart runs recovery (WAL replay) and must serve again.
    const second = await startServe(dataDir);
    await second.stop('SIGTERM');

    const db = new Database(join(dataDir, 'facteur.db'), { readonly: true });
    const rows = db
      .prepare(
        `select b.message_id as mid, m.blob_id as blob from messages m join message_bodies b on b.blob_id = m.blob_id
         join mailbox_messages mm on mm.message_id = m.id`,
      )
      .all() as { mid: string; blob: string }[];
    db.close();
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.mid, (counts.get(row.mid) ?? 0) + 1);
    for (const token of acknowledged) expect(counts.get(`${token}@example.org`), token).toBe(1);
    for (const [mid, count] of counts) expect(count, mid).toBe(1);
    for (const row of rows) {
      const bytes = readFileSync(
        join(dataDir, 'blobs', row.blob.slice(0, 2), row.blob.slice(2, 4), row.blob),
      );
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.blob);
    }
  });
});
