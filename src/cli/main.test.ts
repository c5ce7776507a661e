/**
 * The CLI, in-process on a real data directory: exact outputs, exit codes, one-line errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';

function cliOn(env: Record<string, string>) {
  return async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  };
}

function freshCli() {
  return cliOn({
    FACTEUR_DATA_DIR: mkdtempSync(join(tmpdir(), 'facteur-cli-')),
    FACTEUR_ARGON2_MEMORY_KIB: '1024',
    FACTEUR_ARGON2_TIME_COST: '1',
  });
}

describe('facteur domain', () => {
  it('adds a domain once and refuses it twice with one line', async () => {
    const cli = freshCli();
    expect(await cli('domain', 'add', 'AC-Test.fr')).toEqual({
      code: 0,
      stdout: 'domain ac-test.fr added',
      stderr: '',
    });
    expect(await cli('domain', 'add', 'ac-test.fr')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'facteur: domain ac-test.fr already exists',
    });
    const list = await cli('domain', 'list', '--json');
    expect(JSON.parse(list.stdout).map((d: { name: string }) => d.name)).toEqual(['ac-test.fr']);
  });

  it('prints the MX, SPF, DKIM and DMARC records to publish, with a 2048-bit DKIM key', async () => {
    const cli = freshCli();
    await cli('domain', 'add', 'ac-test.fr');
    const text = await cli('domain', 'dns', 'ac-test.fr');
    expect(text.code).toBe(0);
    const lines = text.stdout.split('\n').filter((l) => !l.startsWith(';'));
    // The MX is this server's host name: mail.FACTEUR_DOMAIN (default ac-exemple.fr) unless FACTEUR_HOSTNAME.
    expect(lines[0]).toBe('ac-test.fr. 3600 IN MX 10 mail.ac-exemple.fr.');
    expect(lines[1]).toBe('ac-test.fr. 3600 IN TXT "v=spf1 mx -all"');
    expect(lines[2]).toMatch(
      /^f\d{6}\._domainkey\.ac-test\.fr\. 3600 IN TXT "v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+" "[A-Za-z0-9+/=]+"/,
    );
    expect(lines[3]).toBe(
      '_dmarc.ac-test.fr. 3600 IN TXT "v=DMARC1; p=quarantine; adkim=s; aspf=s; rua=mailto:postmaster@ac-test.fr"',
    );
    const json = JSON.parse((await cli('domain', 'dns', 'ac-test.fr', '--json')).stdout);
    const dkim = json.find((r: { name: string }) => r.name.includes('_domainkey'));
    const { createPublicKey } = await import('node:crypto');
    const key = createPublicKey({
      key: Buffer.from(dkim.value.split('p=')[1], 'base64'),
      format: 'der',
      type: 'spki',
    });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // The same key on every call: it is created once.
    expect(JSON.parse((await cli('domain', 'dns', 'ac-test.fr', '--json')).stdout)).toEqual(json);
  });

  it('refuses something that is not a domain name', async () => {
    const result = await freshCli()('domain', 'add', 'not a domain');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'facteur: "not a domain" is not a domain name (expected something like ac-exemple.fr)',
    );
  });
});

describe('facteur user add', () => {
  it('gives homonyms sdupont then sdupont1, sylvie.dupont then sylvie.dupont2', async () => {
    const cli = freshCli();
    await cli('domain', 'add', 'ac-test.fr');
    const first = await cli(
      'user',
      'add',
      '--first',
      'Sylvie',
      '--last',
      'Dupont',
      '--domain',
      'ac-test.fr',
      '--json',
    );
    const second = await cli(
      'user',
      'add',
      '--first',
      'Sylvie',
      '--last',
      'Dupont',
      '--domain',
      'ac-test.fr',
      '--json',
    );
    const third = await cli('user', 'add', '--first', 'Sylvie', '--last', 'Dupont', '--domain', 'ac-test.fr');
    expect(JSON.parse(first.stdout)).toMatchObject({
      identifier: 'sdupont',
      address: 'sylvie.dupont@ac-test.fr',
    });
    expect(JSON.parse(second.stdout)).toMatchObject({
      identifier: 'sdupont1',
      address: 'sylvie.dupont2@ac-test.fr',
    });
    expect(third.stdout).toMatch(
      /^identifier: +sdupont2\naddress: +sylvie\.dupont3@ac-test\.fr\nprovisional password: +\S{16}\n/,
    );
  });

  it('uses the NUMEN as provisional password and never prints it back afterwards', async () => {
    const cli = freshCli();
    await cli('domain', 'add', 'ac-test.fr');
    const added = await cli(
      'user',
      'add',
      '--first',
      'Éloïse',
      '--last',
      'Bérenger-Lévy',
      '--domain',
      'ac-test.fr',
      '--numen',
      '12ab345678cde',
      '--birth-date',
      '1985-03-14',
      '--recovery-email',
      'Eloise@Example.org',
      '--json',
    );
    expect(JSON.parse(added.stdout)).toMatchObject({
      identifier: 'eberengerlevy',
      address: 'eloise.berenger-levy@ac-test.fr',
      provisionalPassword: '12AB345678CDE',
    });
    const shown = await cli('user', 'show', 'eloise.berenger-levy@ac-test.fr', '--json');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      identifier: 'eberengerlevy',
      recoveryEmail: 'eloise@example.org',
      mustChangePassword: true,
    });
    expect(shown.stdout).not.toContain('12AB345678CDE');
    expect(shown.stdout).not.toContain('1985');
  });

  it.each([
    [
      ['user', 'add', '--last', 'Dupont', '--domain', 'ac-test.fr'],
      'facteur: missing --first (usage: facteur user add',
    ],
    [
      ['user', 'add', '--first', 'A', '--last', 'B', '--domain', 'ac-test.fr', '--colour', 'red'],
      "facteur: Unknown option '--colour'",
    ],
    [
      ['user', 'add', '--first', 'A', '--last', 'B', '--domain', 'd.fr', '--password', 'x', '--numen', 'y'],
      'facteur: --password and --numen are mutually exclusive',
    ],
    [['user', 'frobnicate'], 'facteur: unknown user command "frobnicate"'],
    [['launch'], 'facteur: unknown command "launch"'],
    [['user', 'list', '--limit', 'many'], 'facteur: --limit expects a whole number, got "many"'],
    [['user', 'show'], 'facteur: missing argument (usage: facteur user show'],
  ])('answers bad arguments %j with exit 2 and one line', async (args, start) => {
    const result = await freshCli()(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(start)).toBe(true);
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['--numen', 'short'], 'facteur: NUMEN must be 13 letters or digits'],
    [['--birth-date', '1985-02-30'], 'facteur: birth date must be a valid date written YYYY-MM-DD'],
    [['--recovery-email', 'nope'], 'facteur: recovery address is not a valid email address'],
    [['--profile', 'wizard'], 'facteur: profile wizard does not exist'],
  ])('refuses invalid field %j with one line and creates nothing', async (extra, message) => {
    const cli = freshCli();
    await cli('domain', 'add', 'ac-test.fr');
    const result = await cli(
      'user',
      'add',
      '--first',
      'Sylvie',
      '--last',
      'Dupont',
      '--domain',
      'ac-test.fr',
      ...extra,
    );
    expect(result).toEqual({ code: 1, stdout: '', stderr: message });
    expect((await cli('user', 'list')).stdout).toBe('no accounts');
  });

  it('refuses an unknown domain', async () => {
    const result = await freshCli()('user', 'add', '--first', 'A', '--last', 'B', '--domain', 'nowhere.fr');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'facteur: domain nowhere.fr does not exist (add it with: facteur domain add nowhere.fr)',
    });
  });
});

describe('facteur user list|show|disable|enable|unlock', () => {
  it('lists, disables and re-enables accounts, as text and JSON', async () => {
    const cli = freshCli();
    await cli('domain', 'add', 'ac-test.fr');
    await cli(
      'user',
      'add',
      '--first',
      'Anne-Sophie',
      '--last',
      'Le Gall',
      '--domain',
      'ac-test.fr',
      '--profile',
      'student',
    );
    expect((await cli('user', 'disable', 'alegall')).stdout).toBe('alegall disabled');
    const listed = JSON.parse((await cli('user', 'list', '--json')).stdout);
    expect(listed).toEqual([
      expect.objectContaining({
        identifier: 'alegall',
        address: 'anne-sophie.le-gall@ac-test.fr',
        status: 'disabled',
      }),
    ]);
    expect((await cli('user', 'list', '--status', 'active')).stdout).toBe('no accounts');
    expect((await cli('user', 'enable', 'alegall')).stdout).toBe('alegall enabled');
    const text = (await cli('user', 'list')).stdout.split('\n');
    expect(text[0]).toMatch(/^IDENTIFIER +ADDRESS +NAME +ROLE +STATUS +LOCKED$/);
    expect(text[1]).toMatch(
      /^alegall +anne-sophie\.le-gall@ac-test\.fr +Anne-Sophie Le Gall +user +active +no$/,
    );
  });

  it('says which account does not exist', async () => {
    const cli = freshCli();
    expect(await cli('user', 'unlock', 'ghost')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'facteur: no account ghost',
    });
    const json = await cli('user', 'show', 'ghost', '--json');
    expect(JSON.parse(json.stderr)).toEqual({
      error: { code: 'account.not_found', message: 'no account ghost' },
    });
  });
});

describe('configuration errors', () => {
  it('stop any command with one line naming the key', async () => {
    const cli = cliOn({ FACTEUR_HTTP_PORT: 'eighty' });
    expect(await cli('user', 'list')).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'facteur: configuration error: FACTEUR_HTTP_PORT: expected an integer from 0 to 65535, got "eighty"',
    });
  });
});
