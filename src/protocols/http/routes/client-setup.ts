/**
 * One-step mail client set-up: Thunderbird autoconfig, Outlook autodiscover, an Apple configuration
 * profile, and the same values as JSON for the web client's settings page.
 *
 * Implementation notes
 * - Only TLS endpoints are offered first (IMAP 9930, submission 4650), STARTTLS ones second: clients
 *   try them in order, and implicit TLS leaves no downgrade window (RFC 8314).
 * - The user name is the address: sign-in accepts it as well as the identifier, and it is the one
 *   value the client already knows.
 * - Answers do not depend on whether the account exists (no way to probe for accounts); the domain
 *   must be one we serve, else 404, since pointing another domain's users at us would be wrong.
 * - Every value placed in XML is escaped; the address is validated first and capped in length.
 * - The Apple profile is not signed (iOS shows it as unverified); signing needs the deployment's
 *   certificate and is left to the reverse proxy's PKI for now.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ClientSettings } from '../../../../common/api.js';
import type { CoreContext } from '../../../core/context.js';
import { findDomainByName } from '../../../store/sql/index.js';
import { problem, sendProblem } from '../problems.js';

export interface ClientSetupSettings {
  hostname: string;
  institutionName: string;
  imapsPort: number;
  imapPort: number;
  submissionsPort: number;
  submissionPort: number;
}

const ADDRESS = /^[^\s@<>"'&]{1,64}@([a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+)$/i;
const MAX_AUTODISCOVER_BYTES = 16 * 1024;

export function registerClientSetupRoutes(
  app: FastifyInstance,
  ctx: CoreContext,
  current: () => ClientSetupSettings,
): void {
  const xml = (value: string | number) => String(value).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

  /** The address, lower-cased, when it is valid and of a served domain; else answers and returns null. */
  async function served(address: unknown, reply: FastifyReply): Promise<string | null> {
    const text = typeof address === 'string' ? address.trim().toLowerCase() : '';
    const match = ADDRESS.exec(text);
    if (!match) {
      await sendProblem(
        reply,
        problem(400, 'setup.invalid_address', 'expected emailaddress=prenom.nom@domaine'),
      );
      return null;
    }
    if (!(await findDomainByName(ctx.db, match[1] as string))) {
      await sendProblem(
        reply,
        problem(404, 'setup.unknown_domain', 'this server does not serve that domain'),
      );
      return null;
    }
    return text;
  }

  const thunderbird = async (request: { query: unknown }, reply: FastifyReply) => {
    const settings = current();
    const address = await served((request.query as Record<string, unknown>).emailaddress, reply);
    if (address === null) return reply;
    const domain = address.slice(address.indexOf('@') + 1);
    const server = (type: 'imap' | 'smtp', tag: string, port: number, socket: string) =>
      `    <${tag} type="${type}">
      <hostname>${xml(settings.hostname)}</hostname>
      <port>${port}</port>
      <socketType>${socket}</socketType>
      <authentication>password-cleartext</authentication>
      <username>%EMAILADDRESS%</username>
    </${tag}>`;
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<clientConfig version="1.1">
  <emailProvider id="${xml(domain)}">
    <domain>${xml(domain)}</domain>
    <displayName>${xml(settings.institutionName)}</displayName>
    <displayShortName>${xml(settings.institutionName)}</displayShortName>
${server('imap', 'incomingServer', settings.imapsPort, 'SSL')}
${server('imap', 'incomingServer', settings.imapPort, 'STARTTLS')}
${server('smtp', 'outgoingServer', settings.submissionsPort, 'SSL')}
${server('smtp', 'outgoingServer', settings.submissionPort, 'STARTTLS')}
  </emailProvider>
</clientConfig>
`;
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-store').send(body);
  };
  app.get('/.well-known/autoconfig/mail/config-v1.1.xml', thunderbird);
  app.get('/mail/config-v1.1.xml', thunderbird);

  // Outlook POSTs <Request><EMailAddress>…</EMailAddress>…</Request> as text/xml.
  app.addContentTypeParser(
    ['text/xml', 'application/xml'],
    { parseAs: 'string', bodyLimit: MAX_AUTODISCOVER_BYTES },
    (_request, body, done) => done(null, body),
  );
  const outlook = async (request: { body: unknown }, reply: FastifyReply) => {
    const settings = current();
    const text = typeof request.body === 'string' ? request.body : '';
    const address = await served(/<EMailAddress>([^<]*)<\/EMailAddress>/i.exec(text)?.[1], reply);
    if (address === null) return reply;
    const protocol = (type: string, port: number) => `      <Protocol>
        <Type>${type}</Type>
        <Server>${xml(settings.hostname)}</Server>
        <Port>${port}</Port>
        <DomainRequired>off</DomainRequired>
        <LoginName>${xml(address)}</LoginName>
        <SPA>off</SPA>
        <SSL>on</SSL>
        <AuthRequired>on</AuthRequired>
      </Protocol>`;
    const body = `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
${protocol('IMAP', settings.imapsPort)}
${protocol('SMTP', settings.submissionsPort)}
    </Account>
  </Response>
</Autodiscover>
`;
    return reply.type('application/xml; charset=utf-8').header('cache-control', 'no-store').send(body);
  };
  app.post('/autodiscover/autodiscover.xml', outlook);
  app.post('/Autodiscover/Autodiscover.xml', outlook);

  app.get('/apple/mail.mobileconfig', async (request, reply) => {
    const settings = current();
    const address = await served((request.query as Record<string, unknown>).emailaddress, reply);
    if (address === null) return reply;
    const string = (key: string, value: string | number) =>
      `      <key>${key}</key>\n      <${typeof value === 'number' ? 'integer' : 'string'}>${xml(value)}</${typeof value === 'number' ? 'integer' : 'string'}>`;
    const flag = (key: string, value: boolean) => `      <key>${key}</key>\n      <${value}/>`;
    const identifier = `fr.facteur.mail.${address.replace(/[^a-z0-9]/g, '-')}`;
    const body = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
${string('EmailAccountDescription', `${settings.institutionName} (${address})`)}
${string('EmailAccountType', 'EmailTypeIMAP')}
${string('EmailAddress', address)}
${string('IncomingMailServerAuthentication', 'EmailAuthPassword')}
${string('IncomingMailServerHostName', settings.hostname)}
${string('IncomingMailServerPortNumber', settings.imapsPort)}
${flag('IncomingMailServerUseSSL', true)}
${string('IncomingMailServerUsername', address)}
${string('OutgoingMailServerAuthentication', 'EmailAuthPassword')}
${string('OutgoingMailServerHostName', settings.hostname)}
${string('OutgoingMailServerPortNumber', settings.submissionsPort)}
${flag('OutgoingMailServerUseSSL', true)}
${string('OutgoingMailServerUsername', address)}
${flag('OutgoingPasswordSameAsIncomingPassword', true)}
${string('PayloadIdentifier', `${identifier}.account`)}
${string('PayloadType', 'com.apple.mail.managed')}
${string('PayloadUUID', randomUUID())}
${string('PayloadVersion', 1)}
    </dict>
  </array>
  <key>PayloadDisplayName</key>
  <string>${xml(settings.institutionName)}</string>
  <key>PayloadIdentifier</key>
  <string>${xml(identifier)}</string>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${randomUUID()}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
    return reply
      .type('application/x-apple-aspen-config')
      .header('content-disposition', 'attachment; filename="messagerie.mobileconfig"')
      .header('cache-control', 'no-store')
      .send(body);
  });

  app.get('/api/client-settings', async (): Promise<ClientSettings> => {
    const settings = current();
    return {
      hostname: settings.hostname,
      imap: [
        { port: settings.imapsPort, security: 'tls' },
        { port: settings.imapPort, security: 'starttls' },
      ],
      smtp: [
        { port: settings.submissionsPort, security: 'tls' },
        { port: settings.submissionPort, security: 'starttls' },
      ],
      username: 'address',
    };
  });
}
