/**
 * `facteur queue list|retry|delete` in-process on a real data directory: exact outputs and exit codes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openFacteur } from '../../src/app/index.js';
import { main } from '../../src/cli/main.js';
import { enqueueMessage } from '../../src/core/outbound/index.js';
import { loadConfig } from '../../src/platform/config/index.js';
import { createLogger } from '../../src/platform/log/index.js';

const RAW = Buffer.from('From: a@ac-test.fr\r\nTo: b@example.net\r\nSubject: essai\r\n\r\nBonjour.\r\n');

function setup() {
  const env = {
    FACTEUR_DATA_DIR: mkdtempSync(join(tmpdir(), 'facteur-cli-')),
    FACTEUR_ARGON2_MEMORY_KIB: '1024',
    FACTEUR_ARGON2_TIME_COST: '1',
  };
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
  const enqueue = async (mailFrom: string, recipients: string[]) => {
    const log = createLogger({
      level: 'silent',
      destination: new Writable({ write: (_c, _e, done) => done() }),
    });
    const facteur = await openFacteur(loadConfig(env), log);
    try {
      return (await enqueueMessage(facteur.ctx, { mailFrom, recipients, raw: RAW })).queueId;
    } finally {
      await facteur.close();
    }
  };
  return { cli, enqueue };
}

describe('facteur queue', () => {
  it('lists an empty queue', async () => {
    const { cli } = setup();
    expect(await cli('queue', 'list')).toEqual({ code: 0, stdout: 'queue empty', stderr: '' });
    expect(await cli('queue', 'list', '--json')).toEqual({ code: 0, stdout: '[]', stderr: '' });
  });

  it('lists queued messages with their recipients, retries and deletes one', async () => {
    const { cli, enqueue } = setup();
    const id = await enqueue('sylvie.dupont@ac-test.fr', ['bob@example.net', 'alice@example.org']);
    const listed = JSON.parse((await cli('queue', 'list', '--json')).stdout);
    expect(listed).toEqual([
      {
        id,
        mailFrom: 'sylvie.dupont@ac-test.fr',
        accountId: null,
        size: RAW.length,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        recipients: [
          expect.objectContaining({
            recipient: 'alice@example.org',
            status: 'queued',
            attempts: 0,
            lastResponse: null,
          }),
          expect.objectContaining({
            recipient: 'bob@example.net',
            status: 'queued',
            attempts: 0,
            lastResponse: null,
          }),
        ],
      },
    ]);
    expect(Date.parse(listed[0].expiresAt) - Date.parse(listed[0].createdAt)).toBe(5 * 24 * 3_600_000);
    const human = (await cli('queue', 'list')).stdout.split('\n');
    expect(human[0]).toMatch(/^ID +FROM +RECIPIENT +STATUS +ATTEMPTS +NEXT ATTEMPT +LAST RESPONSE$/);
    expect(human.slice(1).map((l) => l.split(/ +/).slice(0, 5))).toEqual([
      [id, 'sylvie.dupont@ac-test.fr', 'alice@example.org', 'queued', '0'],
      [id, 'sylvie.dupont@ac-test.fr', 'bob@example.net', 'queued', '0'],
    ]);

    expect(await cli('queue', 'retry', id)).toEqual({
      code: 0,
      stdout: `2 recipient(s) of ${id} due now`,
      stderr: '',
    });
    expect(await cli('queue', 'delete', id, '--json')).toEqual({
      code: 0,
      stdout: JSON.stringify({ id, deleted: true }, null, 2),
      stderr: '',
    });
    expect(await cli('queue', 'delete', id)).toEqual({
      code: 1,
      stdout: '',
      stderr: `facteur: no queued message ${id}`,
    });
    expect(await cli('queue', 'list', '--all', '--json')).toEqual({ code: 0, stdout: '[]', stderr: '' });
  });

  it.each([
    [['queue'], 'facteur: missing queue command (usage: facteur queue list'],
    [['queue', 'flush'], 'facteur: unknown queue command "flush"'],
    [['queue', 'retry'], 'facteur: missing argument (usage: facteur queue retry ID'],
    [['queue', 'delete', 'a', 'b'], 'facteur: unexpected argument "b" (usage: facteur queue delete ID'],
  ])('answers bad arguments %j with exit 2 and one line', async (args, start) => {
    const result = await setup().cli(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(start)).toBe(true);
    expect(result.stdout).toBe('');
  });
});
