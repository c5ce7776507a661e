/**
 * SMTP submission through real clients (swaks, python smtplib): AUTH only over TLS, the portal's
 * password and lockout, senders limited to the account's own addresses, DKIM signatures that
 * mailauth verifies against the published key, local delivery at once.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { authenticate } from 'mailauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { domainDnsRecords, getAccount, getDomain } from '../../src/core/directory/index.js';
import { parseBlobId } from '../../src/store/blob/index.js';
import { findMailboxByRole, listMailboxMessages } from '../../src/store/sql/index.js';
import { userAddArgs } from '../helpers/cli-args.js';
import { smtplibSend, swaks } from '../helpers/clients.js';
import { createFakeResolver } from '../helpers/dns.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';
import { startSink } from '../helpers/smtp-sink.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';
let t: TestServer;

async function addActiveUser(first: string, last: string) {
  const added = JSON.parse((await t.cli(...userAddArgs(first, last, '--json'))).stdout);
  const client = t.client();
  await client.signIn(added.identifier, added.provisionalPassword);
  const changed = await client.request('POST', '/api/password', {
    currentPassword: added.provisionalPassword,
    newPassword: PASSWORD,
  });
  expect(changed.status).toBe(200);
  return added as { identifier: string; address: string };
}

function message(from: string, to: string, subject = 'Sortie scolaire'): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nLe car part à 8 h.\r\n`);
}

async function inboxRaw(login: string): Promise<Buffer[]> {
  const ctx = t.server.facteur.ctx;
  const account = await getAccount(ctx, login);
  const inbox = await findMailboxByRole(ctx.db, account.id, 'inbox');
  const out: Buffer[] = [];
  for (const entry of await listMailboxMessages(ctx.db, account.id, inbox?.id as string)) {
    const chunks: Buffer[] = [];
    for await (const c of await ctx.blobs.get(parseBlobId(entry.message.blob_id))) chunks.push(c as Buffer);
    out.push(Buffer.concat(chunks));
  }
  return out;
}

beforeEach(async () => {
  t = await startTestServer();
  await addActiveUser('Sylvie', 'Dupont');
  await addActiveUser('Jean', 'Martin');
});

afterEach(async () => {
  await t.close();
});

describe('SMTP submission', () => {
  it('does not offer or accept AUTH before STARTTLS', async () => {
    const r = await swaks(t.server.submissionPort, [
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'jean.martin@ac-test.fr',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/^<\s+250[- ]AUTH/m);
    expect(await inboxRaw('jmartin')).toHaveLength(0);
  });

  it('refuses mail without authentication', async () => {
    const r = await swaks(t.server.submissionPort, [
      '--tls',
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'jean.martin@ac-test.fr',
    ]);
    expect(r.stdout).toMatch(/<~\* 530 5\.7\.0 /);
  });

  it('authenticates with the portal password over STARTTLS, delivers locally, and signs with DKIM', async () => {
    const r = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'jean.martin@ac-test.fr',
      '--data',
      message('Sylvie Dupont <sylvie.dupont@ac-test.fr>', 'jean.martin@ac-test.fr').toString(),
    ]);
    expect(r.stdout).toMatch(/<~\s+235 2\.7\.0 /);
    expect(r.stdout).toMatch(/<~\s+250 2\.6\.0 Message accepted as </);
    const [raw] = await inboxRaw('jmartin');
    expect(raw?.toString()).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=ac-test\.fr;/);
    expect(raw?.toString()).toMatch(/^Message-ID: <[0-9a-f-]+@ac-test\.fr>\r$/m);
    expect(raw?.toString()).toMatch(
      /^Received: from [^\r\n]*\r\n\tby mail\.ac-test\.fr \(Facteur\) with ESMTPSA id /m,
    );

    // A receiver that looks up our published key verifies the signature.
    const ctx = t.server.facteur.ctx;
    const records = await domainDnsRecords(ctx, await getDomain(ctx, 'ac-test.fr'), 'mail.ac-test.fr');
    const dkim = records.find((x) => x.name.includes('._domainkey.'));
    const resolver = createFakeResolver({
      [dkim?.name.replace(/\.$/, '') as string]: { TXT: [[dkim?.value as string]] },
    });
    const verdict = await authenticate(raw as Buffer, {
      ip: '192.0.2.1',
      helo: 'x',
      sender: 'sylvie.dupont@ac-test.fr',
      mta: 'receiver.example',
      resolver,
    });
    expect(verdict.dkim.results.map((x) => [x.signingDomain, x.status.result])).toEqual([
      ['ac-test.fr', 'pass'],
    ]);
  });

  it('works over implicit TLS with python smtplib and AUTH LOGIN', async () => {
    const result = await smtplibSend({
      port: t.server.submissionsPort,
      implicitTls: true,
      user: 'sylvie.dupont@ac-test.fr',
      password: PASSWORD,
      from: 'sylvie.dupont@ac-test.fr',
      to: ['jean.martin@ac-test.fr'],
      message: message('sylvie.dupont@ac-test.fr', 'jean.martin@ac-test.fr'),
    });
    expect(result.error).toBeNull();
    expect(result.ehlo).toMatch(/AUTH (PLAIN LOGIN|LOGIN PLAIN)/);
    expect(await inboxRaw('jmartin')).toHaveLength(1);
  });

  it('refuses a wrong password with 535 5.7.8, and locks after five like the portal', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await swaks(t.server.submissionPort, [
        '--tls',
        '--auth',
        'PLAIN',
        '--auth-user',
        'sdupont',
        '--auth-password',
        `Wrong-${i}`,
        '--from',
        'sylvie.dupont@ac-test.fr',
        '--to',
        'jean.martin@ac-test.fr',
      ]);
      expect(r.stdout).toMatch(
        i < 4 ? /<~\* 535 5\.7\.8 Authentication credentials invalid/ : /<~\* 454 4\.7\.0 /,
      );
    }
    expect((await t.client().signIn('sdupont', PASSWORD)).json.code).toBe('auth.locked');
  });

  it('refuses a forged envelope sender with 553 5.7.1 and a forged From with 550 5.7.1', async () => {
    const envelope = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
      '--from',
      'jean.martin@ac-test.fr',
      '--to',
      'jean.martin@ac-test.fr',
    ]);
    expect(envelope.stdout).toMatch(/<~\* 553 5\.7\.1 Sender address rejected/);
    const header = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'jean.martin@ac-test.fr',
      '--data',
      message('Le Recteur <recteur@ac-test.fr>', 'jean.martin@ac-test.fr').toString(),
    ]);
    expect(header.stdout).toMatch(
      /<~\* 550 5\.7\.1 Sender address rejected: you may not send as <recteur@ac-test\.fr> \(From header\)/,
    );
    expect(await inboxRaw('jmartin')).toHaveLength(0);
  });

  it('survives clients that reset their connection mid-transaction, TLS or not', async () => {
    const reply = (socket: NodeJS.ReadableStream) =>
      new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))));
    for (const upgrade of [false, true]) {
      // The MX, in the middle of a transaction (after MAIL FROM), where smtp-server reports the reset.
      const raw = netConnect({ host: '127.0.0.1', port: t.server.smtpPort });
      raw.on('error', () => {});
      let socket: Socket = raw;
      await reply(socket);
      if (upgrade) {
        socket.write('EHLO rude.example\r\n');
        await reply(socket);
        socket.write('STARTTLS\r\n');
        await reply(socket);
        socket = tlsConnect({ socket: raw, rejectUnauthorized: false });
        socket.on('error', () => {});
        await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
      }
      socket.write('EHLO rude.example\r\n');
      await reply(socket);
      socket.write('MAIL FROM:<parent@example.org>\r\n');
      expect(await reply(socket)).toMatch(/^250/);
      // A TCP reset (under the TLS layer too), as from a client that crashes or loses its network.
      raw.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await smtplibSend({
      port: t.server.submissionsPort,
      implicitTls: true,
      user: 'sdupont',
      password: PASSWORD,
      from: 'sylvie.dupont@ac-test.fr',
      to: ['jean.martin@ac-test.fr'],
      message: message('sylvie.dupont@ac-test.fr', 'jean.martin@ac-test.fr'),
    });
    expect(after.error).toBeNull();
    expect(t.logs.some((line) => line.includes('"event":"smtp.connection.error"'))).toBe(true);
  });

  it('refuses unknown local recipients and, for profiles without it, external sending', async () => {
    const unknown = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'personne@ac-test.fr',
    ]);
    expect(unknown.stdout).toMatch(/<~\* 550 5\.1\.1 mailbox <personne@ac-test\.fr> does not exist/);
    await t.server.facteur.ctx.db.updateTable('profiles').set({ external_sending_allowed: 0 }).execute();
    const external = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      'sdupont',
      '--auth-password',
      PASSWORD,
      '--from',
      'sylvie.dupont@ac-test.fr',
      '--to',
      'ami@example.com',
    ]);
    expect(external.stdout).toMatch(
      /<~\* 550 5\.7\.1 your profile may only send to addresses of the institution/,
    );
  });

  it('refuses an account that has not yet changed its provisional password', async () => {
    const added = JSON.parse(
      // A set provisional password: a generated one may start with `-`, which swaks takes for an option.
      (
        await t.cli(
          'user',
          'add',
          '--first',
          'Anne',
          '--last',
          'Petit',
          '--domain',
          'ac-test.fr',
          '--password',
          'Provisoire-Anne-2026!',
          '--json',
        )
      ).stdout,
    );
    const r = await swaks(t.server.submissionPort, [
      '--tls',
      '--auth',
      'PLAIN',
      '--auth-user',
      added.identifier,
      '--auth-password',
      added.provisionalPassword,
      '--from',
      added.address,
      '--to',
      'jean.martin@ac-test.fr',
    ]);
    expect(r.stdout).toMatch(/<~\* 535 5\.7\.8 Change your provisional password in the web portal first/);
  });

  it("queues mail for another domain and delivers it, DKIM-signed, to that domain's MX", async () => {
    await t.close();
    const sink = await startSink();
    try {
      t = await startTestServer({
        env: { FACTEUR_OUTBOUND_PORT: String(sink.port) },
        resolver: createFakeResolver({
          'example.net': { MX: [{ exchange: 'mx.example.net', priority: 10 }] },
          'mx.example.net': { A: ['127.0.0.1'] },
        }),
      });
      await addActiveUser('Sylvie', 'Dupont');
      const r = await swaks(t.server.submissionPort, [
        '--tls',
        '--auth',
        'PLAIN',
        '--auth-user',
        'sdupont',
        '--auth-password',
        PASSWORD,
        '--from',
        'sylvie.dupont@ac-test.fr',
        '--to',
        'correspondant@example.net',
        '--data',
        message('sylvie.dupont@ac-test.fr', 'correspondant@example.net', 'Partenariat').toString(),
      ]);
      expect(r.stdout).toMatch(/<~\s+250 2\.6\.0 Message accepted as </);
      const deadline = Date.now() + 15_000;
      while (sink.received.length === 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.received).toHaveLength(1);
      const received = sink.received[0];
      expect(received?.from).toBe('sylvie.dupont@ac-test.fr');
      expect(received?.to).toEqual(['correspondant@example.net']);
      expect(received?.secure).toBe(true);
      expect(received?.data.toString()).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/);
      expect(received?.data.toString()).toContain('Subject: Partenariat');
      const queue = JSON.parse((await t.cli('queue', 'list', '--json', '--all')).stdout);
      expect(queue).toEqual([
        expect.objectContaining({ recipients: [expect.objectContaining({ status: 'delivered' })] }),
      ]);
    } finally {
      await sink.close();
    }
  });
});
