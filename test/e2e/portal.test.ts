/**
 * The portal in a real browser against `facteur serve` run as an operator would: the printed
 * administrator signs in, must enrol in two-step verification, then change the password; a user
 * created with the CLI signs in by identifier and by address; five wrong passwords lock the account until the CLI unlocks it; weak
 * passwords are refused with the reason shown; axe-core finds nothing on the pages, in French and
 * in English; nothing breaks the Content-Security-Policy.
 */

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authenticator } from '../helpers/authenticator.js';
import { userAddArgs } from '../helpers/cli-args.js';
import {
  assertBuilt,
  axeViolations,
  collectConsoleErrors,
  launchBrowser,
  type ServerProcess,
  screenshot,
  startServerProcess,
} from './browser.js';

const GOOD_PASSWORD = 'Cadran-Solaire-Ete-42!';

let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
});

afterEach(async () => {
  expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  await context.close();
});

function addUser(first: string, last: string, ...extra: string[]) {
  const result = server.cli(...userAddArgs(first, last, '--json', ...extra));
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { identifier: string; address: string; provisionalPassword: string };
}

async function signIn(login: string, password: string) {
  await page.getByLabel('Identifiant ou adresse électronique').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

async function changePassword(current: string, next: string, confirmation = next) {
  await page.getByLabel('Mot de passe actuel').fill(current);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(next);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill(confirmation);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
}

describe('the portal', () => {
  it('lets the printed administrator sign in, enrol, change the password, then sign out', async () => {
    const printed = /one-time password: (\S+)/.exec(server.banner)?.[1];
    expect(printed).toBeDefined();
    expect(server.banner).toContain('identifier: admin');
    await page.goto(server.baseUrl);
    await expect.poll(() => page.title()).toContain('Connexion');
    await screenshot(page, 'sign-in-fr-1280');
    await signIn('admin', printed as string);
    // Staff (the administrator's profile) must use two-step verification: enrolment comes first.
    await page.getByRole('heading', { name: 'Protégez votre compte' }).waitFor();
    const app = authenticator((await page.locator('.totp-setup__secret').textContent()) ?? '');
    await page.getByLabel('Code à 6 chiffres').fill(app.next());
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('button', { name: 'Continuer vers ma messagerie' }).click();
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
    await screenshot(page, 'change-password-fr-1280');

    await changePassword(printed as string, 'admin-Facteur-2026!');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Il contient votre prénom, votre nom ou votre identifiant.');

    await changePassword(printed as string, GOOD_PASSWORD);
    await page.getByRole('heading', { name: /Bonjour/ }).waitFor();
    expect(await page.locator('main').textContent()).toContain('admin@ac-test.fr');
    await screenshot(page, 'home-fr-1280');

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
  });

  it('signs a user in by identifier and by address', async () => {
    const user = addUser('Éloïse', 'Bérenger-Lévy');
    expect(user).toMatchObject({ identifier: 'eberengerlevy', address: 'eloise.berenger-levy@ac-test.fr' });
    await page.goto(server.baseUrl);
    await signIn('eberengerlevy', user.provisionalPassword);
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
    await context.clearCookies();
    await page.goto(server.baseUrl);
    await signIn('Eloise.Berenger-Levy@ac-test.fr', user.provisionalPassword);
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
  });

  it('locks the account after five wrong passwords and the CLI unlocks it', async () => {
    const user = addUser('Jean-Pierre', "D'Artagnan");
    await page.goto(server.baseUrl);
    for (let i = 1; i <= 4; i++) {
      await signIn(user.identifier, `Mauvais-mot-de-passe-${i}`);
      await expect
        .poll(() => page.getByRole('alert').textContent())
        .toContain('Identifiant ou mot de passe incorrect.');
    }
    await signIn(user.identifier, 'Mauvais-mot-de-passe-5');
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('Votre compte est temporairement verrouillé');
    await screenshot(page, 'locked-fr-1280');
    // The right password changes nothing while locked.
    await signIn(user.identifier, user.provisionalPassword);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('temporairement verrouillé');

    expect(server.cli('user', 'unlock', user.identifier)).toMatchObject({
      code: 0,
      stdout: `${user.identifier} unlocked`,
    });
    await signIn(user.identifier, user.provisionalPassword);
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
  });

  it('refuses a weak new password with the reasons shown, and accepts a good one', async () => {
    const user = addUser('Anne-Sophie', 'Le Gall');
    await page.goto(server.baseUrl);
    await signIn(user.address, user.provisionalPassword);
    await page.getByRole('heading', { name: 'Choisissez votre mot de passe' }).waitFor();
    await changePassword(user.provisionalPassword, 'motdepasse');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('Il contient moins de 12 caractères.');
    expect(text).toContain('Il ne contient aucune lettre majuscule.');
    expect(text).toContain('Il ne contient aucun chiffre.');
    await screenshot(page, 'weak-password-fr-1280');

    await changePassword(user.provisionalPassword, GOOD_PASSWORD, `${GOOD_PASSWORD}x`);
    await expect
      .poll(async () => (await page.getByRole('alert').textContent()) ?? '')
      .toMatch(/confirmation|identiques|correspond/i);

    await changePassword(user.provisionalPassword, GOOD_PASSWORD);
    await page.getByRole('heading', { name: /Bonjour Anne-Sophie/ }).waitFor();
    const session = await page.evaluate(() => fetch('/api/session').then((r) => r.json()));
    expect(session.mustChangePassword).toBe(false);
  });

  it('switches to English and remembers it', async () => {
    await page.goto(server.baseUrl);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.reload();
    await page.getByLabel('Identifier or email address').waitFor();
  });
});

describe('accessibility', () => {
  for (const locale of ['fr', 'en'] as const) {
    it(`finds no axe-core violation on the sign-in and password-change pages (${locale})`, async () => {
      const user = addUser('Pieter', 'van der Berg');
      await page.goto(server.baseUrl);
      if (locale === 'en') await page.getByRole('button', { name: 'English' }).click();
      const signInButton = locale === 'fr' ? 'Se connecter' : 'Sign in';
      await page.getByRole('button', { name: signInButton }).waitFor();
      expect(await axeViolations(page)).toEqual([]);

      // With an error shown too.
      await page
        .getByLabel(locale === 'fr' ? 'Identifiant ou adresse électronique' : 'Identifier or email address')
        .fill('nobody');
      await page
        .getByLabel(locale === 'fr' ? 'Mot de passe' : 'Password', { exact: true })
        .fill('wrong-password');
      await page.getByRole('button', { name: signInButton }).click();
      await page.getByRole('alert').waitFor();
      expect(await axeViolations(page)).toEqual([]);

      await page
        .getByLabel(locale === 'fr' ? 'Identifiant ou adresse électronique' : 'Identifier or email address')
        .fill(user.identifier);
      await page
        .getByLabel(locale === 'fr' ? 'Mot de passe' : 'Password', { exact: true })
        .fill(user.provisionalPassword);
      await page.getByRole('button', { name: signInButton }).click();
      await page
        .getByLabel(locale === 'fr' ? 'Nouveau mot de passe' : 'New password', { exact: true })
        .fill('abc');
      await screenshot(page, `change-password-${locale}-typing`);
      expect(await axeViolations(page)).toEqual([]);
    });
  }

  it('fits a 360 px wide phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(server.baseUrl);
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    await screenshot(page, 'sign-in-fr-360');
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
  });
});

describe('the command line of a running server', () => {
  it('answers a malformed configuration with one line and no stack trace', async () => {
    const result = server.cli('user', 'list');
    expect(result.code).toBe(0);
    const { spawnSync } = await import('node:child_process');
    const bad = spawnSync(process.execPath, ['bin/facteur.js', 'serve'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { ...process.env, FACTEUR_HTTP_PORT: 'quatre-vingts', FACTEUR_DATA_DIR: server.dataDir },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      'facteur: configuration error: FACTEUR_HTTP_PORT: expected an integer from 0 to 65535, got "quatre-vingts"\n',
    );
  });
});
