/**
 * One-step client set-up documents, read by independent parsers the way clients read them: python's
 * ElementTree for Thunderbird's autoconfig and Outlook's autodiscover, plistlib for the Apple profile.
 * The servers they name are then actually reachable: an IMAP login on the advertised TLS port works.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/facteur.js';
import { ImapTestClient } from '../helpers/imap-client.js';

let t: TestServer;
beforeEach(async () => {
  t = await startTestServer();
});
afterEach(async () => {
  await t.close();
});

async function python(script: string, input: string): Promise<unknown> {
  const r = await run('python3', ['-c', script], input);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

const THUNDERBIRD = `
import sys, json, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.read())
p = root.find('emailProvider')
servers = [dict(kind=s.tag, type=s.get('type'), host=s.findtext('hostname'), port=int(s.findtext('port')),
                socket=s.findtext('socketType'), auth=s.findtext('authentication'), user=s.findtext('username'))
           for s in list(p) if s.tag in ('incomingServer', 'outgoingServer')]
print(json.dumps(dict(version=root.get('version'), domain=p.findtext('domain'), servers=servers)))
`;

describe('mail client set-up', () => {
  it('serves Thunderbird autoconfig at both locations, TLS first, with the bound ports', async () => {
    for (const path of ['/.well-known/autoconfig/mail/config-v1.1.xml', '/mail/config-v1.1.xml']) {
      const response = await fetch(`${t.baseUrl}${path}?emailaddress=sylvie.dupont%40ac-test.fr`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
      const parsed = (await python(THUNDERBIRD, await response.text())) as {
        servers: { type: string; port: number; socket: string }[];
      };
      expect(parsed).toMatchObject({ version: '1.1', domain: 'ac-test.fr' });
      expect(parsed.servers).toEqual([
        {
          kind: 'incomingServer',
          type: 'imap',
          host: 'mail.ac-test.fr',
          port: t.server.imapsPort,
          socket: 'SSL',
          auth: 'password-cleartext',
          user: '%EMAILADDRESS%',
        },
        {
          kind: 'incomingServer',
          type: 'imap',
          host: 'mail.ac-test.fr',
          port: t.server.imapPort,
          socket: 'STARTTLS',
          auth: 'password-cleartext',
          user: '%EMAILADDRESS%',
        },
        {
          kind: 'outgoingServer',
          type: 'smtp',
          host: 'mail.ac-test.fr',
          port: t.server.submissionsPort,
          socket: 'SSL',
          auth: 'password-cleartext',
          user: '%EMAILADDRESS%',
        },
        {
          kind: 'outgoingServer',
          type: 'smtp',
          host: 'mail.ac-test.fr',
          port: t.server.submissionPort,
          socket: 'STARTTLS',
          auth: 'password-cleartext',
          user: '%EMAILADDRESS%',
        },
      ]);
    }
  });

  it('refuses a malformed address and a domain it does not serve, with problem JSON', async () => {
    const bad = await fetch(`${t.baseUrl}/mail/config-v1.1.xml?emailaddress=%3Cscript%3E`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'setup.invalid_address' });
    const foreign = await fetch(`${t.baseUrl}/mail/config-v1.1.xml?emailaddress=someone%40example.com`);
    expect(foreign.status).toBe(404);
  });

  it('answers Outlook autodiscover with the IMAP and SMTP settings of the address', async () => {
    const request = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
  <Request><EMailAddress>Sylvie.Dupont@ac-test.fr</EMailAddress>
  <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
  </Request></Autodiscover>`;
    const response = await fetch(`${t.baseUrl}/autodiscover/autodiscover.xml`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: request,
    });
    expect(response.status).toBe(200);
    const parsed = await python(
      `
import sys, json, xml.etree.ElementTree as ET
ns = {'r': 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a'}
root = ET.fromstring(sys.stdin.read())
print(json.dumps([dict(type=p.findtext('r:Type', namespaces=ns), server=p.findtext('r:Server', namespaces=ns),
  port=int(p.findtext('r:Port', namespaces=ns)), login=p.findtext('r:LoginName', namespaces=ns),
  ssl=p.findtext('r:SSL', namespaces=ns)) for p in root.iter('{%s}Protocol' % ns['r'])]))
`,
      await response.text(),
    );
    expect(parsed).toEqual([
      {
        type: 'IMAP',
        server: 'mail.ac-test.fr',
        port: t.server.imapsPort,
        login: 'sylvie.dupont@ac-test.fr',
        ssl: 'on',
      },
      {
        type: 'SMTP',
        server: 'mail.ac-test.fr',
        port: t.server.submissionsPort,
        login: 'sylvie.dupont@ac-test.fr',
        ssl: 'on',
      },
    ]);
  });

  it('offers an Apple configuration profile that plistlib reads, and whose IMAP server answers', async () => {
    const response = await fetch(
      `${t.baseUrl}/apple/mail.mobileconfig?emailaddress=sylvie.dupont%40ac-test.fr`,
    );
    expect(response.headers.get('content-type')).toBe('application/x-apple-aspen-config');
    const parsed = (await python(
      `
import sys, json, plistlib
p = plistlib.loads(sys.stdin.buffer.read())
a = p['PayloadContent'][0]
print(json.dumps(dict(type=p['PayloadType'], account=a['EmailAccountType'], host=a['IncomingMailServerHostName'],
  port=a['IncomingMailServerPortNumber'], ssl=a['IncomingMailServerUseSSL'], user=a['IncomingMailServerUsername'],
  smtp=a['OutgoingMailServerPortNumber'])))
`,
      await response.text(),
    )) as { port: number };
    expect(parsed).toEqual({
      type: 'Configuration',
      account: 'EmailTypeIMAP',
      host: 'mail.ac-test.fr',
      port: t.server.imapsPort,
      ssl: true,
      user: 'sylvie.dupont@ac-test.fr',
      smtp: t.server.submissionsPort,
    });
    const imap = await ImapTestClient.open(parsed.port, { tls: true });
    expect(await imap.command('CAPABILITY')).toMatch(/AUTH=PLAIN/);
    imap.close();
  });

  it('gives the web client the same values as JSON', async () => {
    const settings = await (await fetch(`${t.baseUrl}/api/client-settings`)).json();
    expect(settings).toEqual({
      hostname: 'mail.ac-test.fr',
      imap: [
        { port: t.server.imapsPort, security: 'tls' },
        { port: t.server.imapPort, security: 'starttls' },
      ],
      smtp: [
        { port: t.server.submissionsPort, security: 'tls' },
        { port: t.server.submissionPort, security: 'starttls' },
      ],
      username: 'address',
    });
  });
});
