/**
 * "Sessions actives" in Chromium: Nadia signs in on a second browser; the first one finds the
 * "Nouvelle connexion" notice in its Inbox, lists both sessions (this one marked), signs the other
 * out (which then lands on the sign-in page), and finally signs itself out from the list; each
 * address reads « Cet ordinateur » (the browsers run on this host). Paul
 * changes his password from the settings, which signs his other browser out. axe-core on the
 * pages in French (1440) and English dark (360).
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActiveUser,
  activateUser,
  assertBuilt,
  axeViolations,
  launchBrowser,
  openPage,
  type ServerProcess,
  screenshot,
  signInThroughPortal,
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';

let server: ServerProcess;
let browser: Browser;
let nadia: ActiveUser;
// Tests run shuffled: each has its own user.
let omar: ActiveUser;
let paul: ActiveUser;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  nadia = await activateUser(server, browser, 'Nadia', 'Benali', PASSWORD);
  omar = await activateUser(server, browser, 'Omar', 'Haddad', PASSWORD);
  paul = await activateUser(server, browser, 'Paul', 'Lemaire', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('active sessions', () => {
  it('reports a new device, lists the sessions and signs them out', async () => {
    // A second browser, signed in through the portal.
    const { context: other, page: otherPage } = await openPage(browser, server.baseUrl);
    await signInThroughPortal(otherPage, nadia.identifier, PASSWORD);
    await otherPage.getByRole('heading', { name: /Bonjour Nadia/ }).waitFor();

    const { context, page, errors } = await openPage(browser, `${server.baseUrl}/courrier`, { user: nadia });
    await page.locator('.mail-row').filter({ hasText: 'Nouvelle connexion à votre messagerie' }).waitFor();

    await page.goto(`${server.baseUrl}/parametres/sessions`);
    await page.getByRole('heading', { level: 1, name: 'Sessions actives' }).waitFor();
    await page.getByRole('heading', { name: 'Sessions ouvertes : 2' }).waitFor();
    await page.getByText('— cet appareil').waitFor();
    // The browsers run on this host: each address is placed as this computer.
    expect(await page.getByText('Adresse IP : 127.0.0.1 — Cet ordinateur').count()).toBe(2);
    await page
      .getByText(/^Chrome \d+ sur Linux$/)
      .first()
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'sessions-fr-1440');

    await page.getByRole('button', { name: /^Déconnecter Chrome/ }).click();
    await page.getByRole('status').filter({ hasText: 'est déconnecté.' }).waitFor();
    await page.getByRole('heading', { name: 'Sessions ouvertes : 1' }).waitFor();
    await otherPage.reload();
    await otherPage.getByRole('heading', { level: 1, name: 'Connexion à votre messagerie' }).waitFor();

    await page.getByRole('button', { name: 'Me déconnecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connexion à votre messagerie' }).waitFor();
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    await context.close();
    await other.close();
  });

  it('fits a 360 px phone in English with the dark theme', async () => {
    const { context, page } = await openPage(browser, server.baseUrl, {
      viewport: { width: 360, height: 740 },
      colorScheme: 'dark',
    });
    await signInThroughPortal(page, omar.identifier, PASSWORD);
    await page.getByRole('heading', { name: /Bonjour Omar/ }).waitFor();
    await page.goto(`${server.baseUrl}/parametres/sessions`);
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Active sessions' }).waitFor();
    await page.getByText('— this device').waitFor();
    await page.getByText('IP address: 127.0.0.1 — This computer').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'sessions-en-dark-360');
    await context.close();
  });

  it('changes the password from the settings, signing the other sessions out', async () => {
    const { context: other, page: otherPage } = await openPage(
      browser,
      `${server.baseUrl}/parametres/sessions`,
      {
        user: paul,
      },
    );
    await otherPage.getByRole('heading', { level: 1, name: 'Sessions actives' }).waitFor();

    const { context, page, errors } = await openPage(browser, server.baseUrl);
    await signInThroughPortal(page, paul.identifier, PASSWORD);
    await page.getByRole('link', { name: 'Changer mon mot de passe' }).click();
    await page.getByRole('heading', { level: 1, name: 'Changer mon mot de passe' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const next = 'Horloge-Parlante-Hiver-77!';
    await page.getByLabel('Mot de passe actuel').fill('Pas-le-bon-mot-de-passe-1!');
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(next);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(next);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByRole('alert').filter({ hasText: 'Le mot de passe n’a pas été changé' }).waitFor();
    await page.getByLabel('Mot de passe actuel').fill(PASSWORD);
    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre mot de passe a été changé.' }).waitFor();
    expect(await page.getByLabel('Nouveau mot de passe', { exact: true }).inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'password-settings-fr-1440');

    await otherPage.reload();
    await otherPage.getByRole('heading', { level: 1, name: 'Connexion à votre messagerie' }).waitFor();
    expect(errors.filter((e) => !/status of (401|403)/.test(e))).toEqual([]);
    await context.close();
    await other.close();
  });
});
