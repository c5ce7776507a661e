import { describe, expect, it } from 'vitest';
import type { ClientSettings } from '../../../common/api.js';
import { appleProfileUrl, serverSetup } from './mail-client-setup';

const settings: ClientSettings = {
  hostname: 'mail.ac-exemple.fr',
  imap: [
    { port: 1430, security: 'starttls' },
    { port: 9930, security: 'tls' },
  ],
  smtp: [{ port: 5870, security: 'starttls' }],
  username: 'address',
};

describe('serverSetup', () => {
  it('recommends implicit TLS wherever it is listed, and keeps the others as alternatives', () => {
    expect(serverSetup(settings, 'imap')).toEqual({
      host: 'mail.ac-exemple.fr',
      port: 9930,
      security: 'tls',
      alternatives: [{ port: 1430, security: 'starttls' }],
    });
  });

  it('falls back to the first endpoint, and to null when there is none', () => {
    expect(serverSetup(settings, 'smtp')).toMatchObject({
      port: 5870,
      security: 'starttls',
      alternatives: [],
    });
    expect(serverSetup({ ...settings, smtp: [] }, 'smtp')).toBeNull();
  });
});

describe('appleProfileUrl', () => {
  it('escapes the address for the query string', () => {
    expect(appleProfileUrl('sylvie.dupont@ac-exemple.fr')).toBe(
      '/apple/mail.mobileconfig?emailaddress=sylvie.dupont%40ac-exemple.fr',
    );
    expect(appleProfileUrl("o'hara+x@ac-exemple.fr")).toBe(
      "/apple/mail.mobileconfig?emailaddress=o'hara%2Bx%40ac-exemple.fr",
    );
  });
});
