import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.js';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.httpPort).toBe(8080);
    expect(config.smtpPort).toBe(2525);
    expect(config.submissionPort).toBe(5870);
    expect(config.submissionsPort).toBe(4650);
    expect(config.imapPort).toBe(1430);
    expect(config.imapsPort).toBe(9930);
    expect(config.managesievePort).toBe(4190);
    expect(config.dataDir).toBe('./data');
    expect(config.lockoutAttempts).toBe(5);
    expect(config.lockoutMinutes).toBe(30);
    expect(config.trustProxy).toBe(false);
    expect(config.adminPassword).toBeUndefined();
  });

  it('reads and converts environment values', () => {
    const config = loadConfig({
      FACTEUR_HTTP_PORT: '9090',
      FACTEUR_DOMAIN: 'AC-Test.fr',
      FACTEUR_TRUST_PROXY: 'yes',
    });
    expect(config.httpPort).toBe(9090);
    expect(config.domain).toBe('ac-test.fr');
    expect(config.trustProxy).toBe(true);
  });

  it('reads network lists: addresses and CIDR blocks, or none', () => {
    expect(loadConfig({}).smtpRateLimitExempt).toEqual(['127.0.0.0/8', '::1']);
    expect(
      loadConfig({ FACTEUR_SMTP_RATE_LIMIT_EXEMPT: ' 192.0.2.0/24,2001:db8::/32 , 198.51.100.7' })
        .smtpRateLimitExempt,
    ).toEqual(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(loadConfig({ FACTEUR_SMTP_RATE_LIMIT_EXEMPT: 'None' }).smtpRateLimitExempt).toEqual([]);
    for (const bad of ['192.0.2.0/33', '::1/129', 'example.org', '10.0.0.1/8/1', '10.0.0.1/x']) {
      expect(() => loadConfig({ FACTEUR_SMTP_RATE_LIMIT_EXEMPT: bad }), bad).toThrow(ConfigError);
    }
  });

  it('reads named networks, most specific first', () => {
    expect(loadConfig({}).networkNames).toEqual([]);
    const networks = loadConfig({
      FACTEUR_NETWORK_NAMES: '10.12.0.0/16=Collège Jean Moulin;10.12.5.0/24=Salle 5;2001:db8::/32=Rectorat',
    }).networkNames;
    expect(networks.map((n) => [n.name, n.family, n.prefix])).toEqual([
      ['Rectorat', 6, 32],
      ['Salle 5', 4, 24],
      ['Collège Jean Moulin', 4, 16],
    ]);
  });

  it.each([
    [
      { FACTEUR_NETWORK_NAMES: '10.12.0.0/16=Collège;10.0.0.0/40=Lycée' },
      'configuration error: FACTEUR_NETWORK_NAMES: entry 2 "10.0.0.0/40=Lycée": "10.0.0.0/40" is not an IPv4 or IPv6 network, such as 10.12.0.0/16=Collège Jean Moulin;2001:db8::/32=Rectorat, got "10.12.0.0/16=Collège;10.0.0.0/40=Lycée"',
    ],
    [
      { FACTEUR_HTTP_PORT: 'abc' },
      'configuration error: FACTEUR_HTTP_PORT: expected an integer from 0 to 65535, got "abc"',
    ],
    [
      { FACTEUR_IMAP_PORT: '70000' },
      'configuration error: FACTEUR_IMAP_PORT: expected an integer from 0 to 65535, got "70000"',
    ],
    [
      { FACTEUR_DOMAIN: 'not a domain' },
      'configuration error: FACTEUR_DOMAIN: expected a domain name such as ac-exemple.fr, got "not a domain"',
    ],
    [
      { FACTEUR_RELAY: 'http://x' },
      'configuration error: FACTEUR_RELAY: expected smtp://host:port or smtps://host:port, got "http://x"',
    ],
    [
      { FACTEUR_LOCKOUT_ATTEMPTS: '0' },
      'configuration error: FACTEUR_LOCKOUT_ATTEMPTS: expected an integer from 1 to 100, got "0"',
    ],
  ])('refuses %o with one clear line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  it('never echoes a secret value', () => {
    try {
      loadConfig({ FACTEUR_SECRET_KEY: 'hunter2-not-hex' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'configuration error: FACTEUR_SECRET_KEY: expected at least 64 hexadecimal characters (32 bytes)',
      );
    }
  });

  it('reads a JSON file, the environment taking precedence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facteur-config-'));
    const file = join(dir, 'facteur.json');
    writeFileSync(file, JSON.stringify({ httpPort: 8181, smtpPort: 2626 }));
    const config = loadConfig({ FACTEUR_CONFIG: file, FACTEUR_SMTP_PORT: '2727' });
    expect(config.httpPort).toBe(8181);
    expect(config.smtpPort).toBe(2727);
    expect(config.configFile).toBe(file);
  });

  it('names the file and key of a bad file value, and refuses unknown keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'facteur-config-'));
    const file = join(dir, 'facteur.json');
    writeFileSync(file, JSON.stringify({ httpPort: 'x' }));
    expect(() => loadConfig({ FACTEUR_CONFIG: file })).toThrow(`${file}: "httpPort": expected an integer`);
    writeFileSync(file, JSON.stringify({ htpPort: 1 }));
    expect(() => loadConfig({ FACTEUR_CONFIG: file })).toThrow(`${file}: unknown key "htpPort"`);
    writeFileSync(file, '{');
    expect(() => loadConfig({ FACTEUR_CONFIG: file })).toThrow(`${file}: not valid JSON`);
  });
});
