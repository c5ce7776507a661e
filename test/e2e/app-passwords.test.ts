/**
 * "Mots de passe d'application" in Chromium: Agathe makes one for her phone (the account password
 * asked again, mistakes explained on their field), reads it once, a JMAP client signs in with it as
 * a bearer token, then she revokes it after confirming and the token is refused at once. axe-core
 * in French (light) and English (dark, 360 px); screenshots at 1440 and 360.
 */
import type { Browser, Page } from 'playwright-core';
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
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';
const PATH = '/parametres/mots-de-passe-application';

let server: ServerProcess;
let browser: Browser;
let agathe: ActiveUser;
// Tests run shuffled: each has its own user.
let basile: ActiveUser;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  agathe = await activateUser(server, browser, 'Agathe', 'Rousseau', PASSWORD);
  basile = await activateUser(server, browser, 'Basile', 'Moreau', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const open = (user: ActiveUser, viewport: { width: number; height: number }) =>
  openPage(browser, `${server.baseUrl}${PATH}`, { user, viewport });

async function bearerStatus(token: string): Promise<number> {
  const response = await fetch(`${server.baseUrl}/jmap/session`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return response.status;
}

async function create(page: Page, name: string, password = PASSWORD) {
  await page.getByLabel('Nom de l’appareil ou du logiciel').fill(name);
  await page.getByLabel('Mot de passe de votre compte', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Créer le mot de passe' }).click();
}

describe('app passwords in the settings', () => {
  it('makes one with the account password, shows it once, and revokes it after confirmation', async () => {
    const { context, page, errors } = await open(agathe, { width: 1440, height: 900 });
    await page.getByRole('heading', { level: 1, name: 'Mots de passe d’application' }).waitFor();
    await page.getByText('Vous n’avez aucun mot de passe d’application.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Mistakes are said on their field, and nothing is made.
    await page.getByRole('button', { name: 'Créer le mot de passe' }).click();
    const name = page.getByLabel('Nom de l’appareil ou du logiciel');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('app-password-name');
    await create(page, 'Téléphone', 'Pas-le-bon-mot-de-passe-1!');
    await page.getByText('Ce mot de passe n’est pas celui de votre compte.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await create(page, 'Téléphone');
    await page.getByText('Mot de passe d’application « Téléphone » créé').waitFor();
    const secret = (await page.locator('#app-password-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[a-z]{4}(-[a-z]{4}){3}$/);
    // Focus lands on the new password, so that it is read first.
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('app-passwords__created');
    expect(await page.getByLabel('Mot de passe de votre compte', { exact: true }).inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'app-passwords-fr-1440');
    expect(await bearerStatus(secret)).toBe(200);

    // Once dismissed, or after a reload, the secret is gone from the page; the entry stays.
    await page.getByRole('button', { name: 'J’ai noté le mot de passe' }).click();
    await page.reload();
    await page.getByText('Téléphone', { exact: true }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.getByText(/Dernière utilisation le .* \(JMAP\)/).waitFor();

    // The confirmation takes focus, and Cancel gives it back.
    const revokeButton = page.getByRole('button', { name: 'Révoquer « Téléphone »' });
    await revokeButton.click();
    const confirm = page.getByRole('group', { name: /Révoquer « Téléphone » \?/ });
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Oui, révoquer');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Révoquer « Téléphone »');
    expect(await bearerStatus(secret)).toBe(200);
    await page.keyboard.press('Enter');
    expect(await axeViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Oui, révoquer' }).click();
    await page.getByRole('status').filter({ hasText: '« Téléphone » est révoqué.' }).waitFor();
    await page.getByText('Vous n’avez aucun mot de passe d’application.').waitFor();
    expect(await bearerStatus(secret)).toBe(401);
    // The wrong account password, and nothing else.
    expect(errors).toEqual([
      'Failed to load resource: the server responded with a status of 403 (Forbidden)',
    ]);
    await context.close();
  });

  it('fits a 360 px phone and passes axe in English with the dark theme', async () => {
    const { context, page, errors } = await open(basile, { width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'App passwords' }).waitFor();
    await page.getByLabel('Name of the device or app').fill('Thunderbird at work');
    await page.getByLabel('Your account password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create the password' }).click();
    await page.getByText('App password “Thunderbird at work” created').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'app-passwords-en-dark-360');
    expect(errors).toEqual([]);
    await context.close();
  });
});
