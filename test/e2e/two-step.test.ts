/**
 * Two-step verification in Chromium. Léa turns on the authenticator app from the settings (the
 * account password asked again, the QR code's secret read off the page, the first code computed
 * here as a phone app would), keeps her recovery codes, then signs in on another browser with a
 * code; Hugo signs in with a recovery code, which a third browser then finds spent; Inès, of a
 * profile that requires two-step verification, is led to enrol before her first session. axe-core
 * on every new page, in French (1440, light) and English (360, dark); screenshots at both sizes.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Authenticator, authenticator } from '../helpers/authenticator.js';
import { userAddArgs } from '../helpers/cli-args.js';
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
const SETTINGS = '/parametres/verification-en-deux-etapes';

let server: ServerProcess;
let browser: Browser;
// Tests run shuffled: each has its own user.
let lea: ActiveUser;
let hugo: ActiveUser;

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  lea = await activateUser(server, browser, 'Léa', 'Fontaine', PASSWORD);
  hugo = await activateUser(server, browser, 'Hugo', 'Marchand', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** Turns the authenticator app on from the settings page; returns the app and the recovery codes. */
async function enableFromSettings(page: Page, options: { check?: (stage: string) => Promise<void> } = {}) {
  await page.getByRole('heading', { level: 1, name: 'Vérification en deux étapes' }).waitFor();
  await page.getByRole('button', { name: 'Activer l’application d’authentification' }).click();
  await page.getByLabel('Mot de passe de votre compte').fill('Pas-le-bon-1!');
  await page.getByRole('button', { name: 'Confirmer' }).click();
  await page.getByText('Le mot de passe actuel est incorrect.').waitFor();
  await page.getByLabel('Mot de passe de votre compte').fill(PASSWORD);
  await page.getByRole('button', { name: 'Confirmer' }).click();
  await page
    .getByRole('img', { name: 'Code QR à scanner avec votre application d’authentification' })
    .waitFor();
  await options.check?.('setup');
  const app = authenticator((await page.locator('.totp-setup__secret').textContent()) ?? '');
  await page.getByLabel('Code à 6 chiffres').fill(app.wrong());
  await page.getByRole('button', { name: 'Activer' }).click();
  await page
    .getByText(/Ce code ne correspond pas à celui de l’application/)
    .first()
    .waitFor();
  await page.getByLabel('Code à 6 chiffres').fill(app.next());
  await page.getByRole('button', { name: 'Activer' }).click();
  await page.getByRole('heading', { name: 'Vos codes de secours' }).waitFor();
  const codes = await page.locator('.recovery-codes__list code').allTextContents();
  await options.check?.('codes');
  await page.getByRole('button', { name: 'J’ai conservé mes codes' }).click();
  await page.getByText('Activée : un code à 6 chiffres vous est demandé.').waitFor();
  return { app, codes };
}

/** Console errors other than the answers the steps expect (401 before sign-in and for a wrong code, 400, 403). */
const unexpected = (errors: string[]) => errors.filter((e) => !/status of (400|401|403)/.test(e));

async function expectNoAxeViolations(page: Page) {
  expect(await axeViolations(page)).toEqual([]);
}

describe('two-step verification', () => {
  it('is turned on from the settings, then asks a code from the app on another browser', async () => {
    const { context, page, errors } = await openPage(browser, `${server.baseUrl}${SETTINGS}`, { user: lea });
    const enabled = await enableFromSettings(page, {
      async check(stage) {
        await expectNoAxeViolations(page);
        await screenshot(page, `two-step-settings-${stage}-fr-1440`);
      },
    });
    const app: Authenticator = enabled.app;
    expect(enabled.codes).toHaveLength(10);
    for (const code of enabled.codes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    await page.getByText('Il vous reste 10 codes de secours.').waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'two-step-settings-on-fr-1440');

    const {
      context: other,
      page: phone,
      errors: phoneErrors,
    } = await openPage(browser, server.baseUrl, {
      viewport: { width: 360, height: 780 },
    });
    await signInThroughPortal(phone, lea.identifier, PASSWORD);
    await phone.getByRole('heading', { name: 'Vérification en deux étapes' }).waitFor();
    await expectNoAxeViolations(phone);
    await screenshot(phone, 'two-step-second-step-fr-360');
    await phone.getByLabel('Code de votre application d’authentification').fill(app.wrong());
    await phone.getByRole('button', { name: 'Valider' }).click();
    await phone.getByRole('alert').filter({ hasText: 'Il vous reste 4 essais.' }).waitFor();
    await phone.getByLabel('Code de votre application d’authentification').fill(app.next());
    await phone.getByRole('button', { name: 'Valider' }).click();
    await phone.getByRole('heading', { name: /Bonjour Léa/ }).waitFor();
    expect(unexpected(phoneErrors)).toEqual([]);
    expect(unexpected(errors)).toEqual([]);
    await other.close();
    await context.close();
  });

  it('takes a recovery code once, and a browser trusted for 30 days skips the step', async () => {
    const { context, page } = await openPage(browser, `${server.baseUrl}${SETTINGS}`, { user: hugo });
    const { codes } = await enableFromSettings(page);
    const code = codes[0] as string;

    const { context: second, page: tablet } = await openPage(browser, server.baseUrl);
    await signInThroughPortal(tablet, hugo.identifier, PASSWORD);
    await tablet.getByRole('button', { name: 'Utiliser un code de secours' }).click();
    await tablet.getByLabel('Code de secours').fill(code);
    await tablet.getByLabel('Faire confiance à cet appareil pendant 30 jours').check();
    await tablet.getByRole('button', { name: 'Valider' }).click();
    await tablet.getByRole('heading', { name: /Bonjour Hugo/ }).waitFor();
    // Trusted: signing in again on this browser asks no second step.
    await tablet.getByRole('button', { name: 'Se déconnecter' }).click();
    await signInThroughPortal(tablet, hugo.identifier, PASSWORD);
    await tablet.getByRole('heading', { name: /Bonjour Hugo/ }).waitFor();

    const { context: third, page: kiosk } = await openPage(browser, server.baseUrl);
    await signInThroughPortal(kiosk, hugo.identifier, PASSWORD);
    await kiosk.getByRole('button', { name: 'Utiliser un code de secours' }).click();
    await kiosk.getByLabel('Code de secours').fill(code);
    await kiosk.getByRole('button', { name: 'Valider' }).click();
    await kiosk
      .getByRole('alert')
      .filter({ hasText: 'Ce code n’est pas valable. Il vous reste 4 essais.' })
      .waitFor();
    await kiosk.getByRole('button', { name: 'Annuler et revenir à la connexion' }).click();
    await kiosk.getByRole('button', { name: 'Se connecter' }).waitFor();

    await page.reload();
    await page.getByText('Il vous reste 9 codes de secours.').waitFor();
    await page.getByText('Un appareil ne demande pas le second élément pendant 30 jours.').waitFor();
    await page.getByRole('button', { name: 'Ne plus faire confiance à ces appareils' }).click();
    await page.getByText('Le second élément sera de nouveau demandé sur tous vos appareils.').waitFor();
    await Promise.all([context.close(), second.close(), third.close()]);
  });

  it('leads a profile that requires it to enrol before the first session', async () => {
    const added = server.cli(...userAddArgs('Inès', 'Garnier', '--profile', 'staff', '--json'));
    expect(added.code, added.stderr).toBe(0);
    const ines = JSON.parse(added.stdout) as { identifier: string; provisionalPassword: string };
    const { context, page, errors } = await openPage(browser, server.baseUrl, {
      viewport: { width: 360, height: 780 },
      colorScheme: 'dark',
    });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByLabel('Identifier or email address').fill(ines.identifier);
    await page.getByLabel('Password', { exact: true }).fill(ines.provisionalPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Protect your account' }).waitFor();
    await page.getByRole('img', { name: 'QR code to scan with your authenticator app' }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'two-step-enrol-en-dark-360');
    const app = authenticator((await page.locator('.totp-setup__secret').textContent()) ?? '');
    await page.getByLabel('6-digit code').fill(app.next());
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor();
    expect(await page.locator('.recovery-codes__list code').count()).toBe(10);
    await expectNoAxeViolations(page);
    await screenshot(page, 'two-step-enrol-codes-en-dark-360');
    await page.getByRole('button', { name: 'Continue to my mailbox' }).click();
    // The provisional password is changed next, as at any first sign-in.
    await page.getByRole('heading', { name: 'Choose your password' }).waitFor();
    expect(unexpected(errors)).toEqual([]);
    await context.close();
  });

  it('shows the settings page in English, dark, at 360 px without axe violations', async () => {
    const { context, page } = await openPage(browser, `${server.baseUrl}${SETTINGS}`, {
      user: lea,
      viewport: { width: 360, height: 780 },
      colorScheme: 'dark',
    });
    await page.getByRole('heading', { level: 1, name: 'Vérification en deux étapes' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-step verification' }).waitFor();
    await expectNoAxeViolations(page);
    await screenshot(page, 'two-step-settings-en-dark-360');
    await context.close();
  });
});
