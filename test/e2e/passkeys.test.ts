/**
 * "Clés d'accès" in Chromium with its virtual authenticator (DevTools protocol, WebAuthn domain):
 * Agathe adds a passkey after typing her account password again (a wrong one is said on its
 * field), sees it listed, cannot add the same authenticator twice, signs out and back in with the
 * passkey as her second step, adds a second one from another authenticator and removes the first
 * after confirming. (That a profile requiring two-step sign-in keeps its last factor is tested over
 * HTTP in src/protocols/http/passkeys-api.test.ts.) axe-core in French (light, 1440) and English (dark, 360); screenshots at both sizes.
 *
 * WebAuthn needs a secure context and a host name as RP id: the pages are opened on
 * http://localhost:<port>, not 127.0.0.1 (an IP address cannot be an RP id). The session cookie of
 * activateUser is for 127.0.0.1, so each test signs in again on localhost.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActiveUser,
  activateUser,
  assertBuilt,
  axeViolations,
  collectConsoleErrors,
  launchBrowser,
  type ServerProcess,
  screenshot,
  signInThroughPortal,
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';
const PATH = '/parametres/cles-d-acces';

let server: ServerProcess;
let browser: Browser;
let origin: string;
// Tests run shuffled: each has its own user.
let agathe: ActiveUser;
let basile: ActiveUser;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  origin = server.baseUrl.replace('127.0.0.1', 'localhost');
  browser = await launchBrowser();
  agathe = await activateUser(server, browser, 'Agathe', 'Rousseau', PASSWORD);
  basile = await activateUser(server, browser, 'Basile', 'Moreau', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The passkeys page on localhost, signed in through the portal there. */
async function open(user: ActiveUser, viewport: { width: number; height: number }) {
  const context = await browser.newContext({ locale: 'fr-FR', viewport });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(`${origin}${PATH}`);
  await signInThroughPortal(page, user.identifier, PASSWORD);
  await page.getByRole('heading', { level: 1, name: 'Clés d’accès' }).waitFor();
  // The session check before signing in answered 401, as it should: not an error of this page.
  errors.splice(0);
  return { context, page, errors };
}

/** A virtual platform authenticator that verifies the user and says yes to every prompt. */
async function addAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () =>
    (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  const remove = () => cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  return { credentials, remove };
}

async function add(page: Page, name: string, password = PASSWORD) {
  await page.getByLabel('Nom de la clé').fill(name);
  await page.getByLabel('Mot de passe de votre compte', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Ajouter la clé d’accès' }).click();
}

describe('passkeys in the settings', () => {
  it('adds a passkey with the browser, signs in with it as the second step, and removes one after confirmation', async () => {
    const { context, page, errors } = await open(agathe, { width: 1440, height: 900 });
    await page.getByRole('heading', { level: 1, name: 'Clés d’accès' }).waitFor();
    await page.getByText('Vous n’avez aucune clé d’accès.').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const first = await addAuthenticator(context, page);

    // Mistakes are said on their field, before any browser prompt.
    await page.getByRole('button', { name: 'Ajouter la clé d’accès' }).click();
    expect(await page.getByLabel('Nom de la clé').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('passkey-name');
    await add(page, 'Clé USB', 'Pas-le-bon-mot-de-passe-1!');
    await page.getByText('Ce mot de passe n’est pas celui de votre compte.').waitFor();
    expect(await first.credentials()).toEqual([]);

    await add(page, 'Clé USB');
    await page.getByRole('status').filter({ hasText: 'Clé d’accès « Clé USB » ajoutée.' }).waitFor();
    await page.getByText('Clé USB', { exact: true }).waitFor();
    await page.getByText('Jamais utilisée').waitFor();
    const [credential] = await first.credentials();
    // Discoverable, for this site, for this account (the user handle is the account id).
    expect(credential).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });
    expect(await page.getByLabel('Mot de passe de votre compte', { exact: true }).inputValue()).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'passkeys-fr-1440');

    // The same authenticator twice: the browser refuses (excludeCredentials), and says why.
    await add(page, 'Encore');
    await page
      .getByRole('alert')
      .filter({ hasText: /déjà une clé d’accès de votre compte|annulée ou le délai est dépassé/ })
      .waitFor();
    expect(await first.credentials()).toHaveLength(1);

    // Signing in again, this browser being untrusted: the passkey is the second step.
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await signInThroughPortal(page, agathe.identifier, PASSWORD);
    await page.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'passkeys-second-step-fr-1440');
    await page.getByRole('button', { name: 'Utiliser une clé d’accès' }).click();
    await page.getByRole('heading', { name: /Bonjour Agathe/ }).waitFor();
    await page.goto(`${origin}${PATH}`);
    await page.getByText('Clé USB', { exact: true }).waitFor();
    expect(await page.getByText('Jamais utilisée').count()).toBe(0);

    // A second authenticator (a phone), then the first key can go.
    await first.remove();
    await addAuthenticator(context, page);
    await add(page, 'Téléphone');
    await page.getByRole('status').filter({ hasText: 'Clé d’accès « Téléphone » ajoutée.' }).waitFor();
    await page.getByRole('button', { name: 'Supprimer « Clé USB »' }).click();
    // Cancel gives the focus back to the button.
    await page.getByRole('button', { name: 'Annuler' }).click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Supprimer « Clé USB »');
    await page.keyboard.press('Enter');
    await page
      .getByRole('group', { name: /Supprimer la clé d’accès « Clé USB » \?/ })
      .getByRole('button', { name: 'Oui, supprimer' })
      .click();
    await page.getByRole('status').filter({ hasText: '« Clé USB » est supprimée.' }).waitFor();
    await page.reload();
    await page.getByText('Téléphone', { exact: true }).waitFor();
    expect(await page.getByText('Clé USB', { exact: true }).count()).toBe(0);

    // The wrong password (403), and the session check of the sign-in page (401), nothing else.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([
      'Failed to load resource: the server responded with a status of 403 (Forbidden)',
    ]);
    await context.close();
  });

  it('fits a 360 px phone and passes axe in English with the dark theme', async () => {
    const { context, page, errors } = await open(basile, { width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('heading', { level: 1, name: 'Clés d’accès' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Passkeys' }).waitFor();
    await addAuthenticator(context, page);
    await page.getByLabel('Name of the key').fill('Work laptop');
    await page.getByLabel('Your account password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Add the passkey' }).click();
    await page.getByRole('status').filter({ hasText: 'Passkey “Work laptop” added.' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'passkeys-en-dark-360');
    expect(errors).toEqual([]);
    await context.close();
  });
});
