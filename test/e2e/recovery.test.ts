/**
 * Self-service recovery in Chromium against `facteur serve`: from the sign-in page's help, a person
 * finds their identifier with their NUMEN and birth date; another resets a forgotten password: the
 * link arrives in the recovery mailbox (another local account, read over IMAP), opens the page to
 * choose a new password, after which the old password is refused, the new one works, and the
 * session open before is signed out. The browser solves the proof-of-work captcha itself, in its
 * worker, under the server's CSP. axe-core on each page in French (light, 1440) and English (dark,
 * 360), with screenshots.
 *
 * "Changer son mot de passe" knowing the old one is covered by sessions.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAddArgs } from '../helpers/cli-args.js';
import { ImapTestClient } from '../helpers/imap-client.js';
import { freePort } from '../helpers/ports.js';
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

const MARIE_PASSWORD = 'Boite-Aux-Lettres-2026!';
const NEW_PASSWORD = 'Phare-Ouest-Maree-73!';

let server: ServerProcess;
let browser: Browser;
let imapPort: number;
let marie: ActiveUser;

beforeAll(async () => {
  assertBuilt();
  const httpPort = await freePort();
  imapPort = await freePort();
  server = await startServerProcess({
    FACTEUR_HTTP_PORT: String(httpPort),
    FACTEUR_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
    FACTEUR_IMAP_PORT: String(imapPort),
    FACTEUR_IMAP_CLEARTEXT_LOOPBACK: 'true',
    // A real proof of work in the browser, kept short for the suite.
    FACTEUR_RECOVERY_POW_MAX_COUNTER: '200',
    FACTEUR_RECOVERY_MIN_RESPONSE_MS: '400',
  });
  browser = await launchBrowser();
  marie = await activateUser(server, browser, 'Marie', 'Secours', MARIE_PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function addUser(first: string, last: string, numen: string, birthDate: string, ...extra: string[]) {
  const added = server.cli(
    ...userAddArgs(first, last, '--numen', numen, '--birth-date', birthDate, '--json', ...extra),
  );
  if (added.code !== 0) throw new Error(`user add failed: ${added.stderr}`);
  return JSON.parse(added.stdout) as { identifier: string; address: string };
}

async function fillRecoveryForm(
  page: Page,
  numen: string,
  birthDate: string,
  labels = { numen: 'NUMEN', date: 'Date de naissance' },
) {
  await page.getByLabel(labels.numen, { exact: true }).fill(numen);
  await page.getByLabel(labels.date).fill(birthDate);
}

/** Decodes a quoted-printable body (soft breaks, =XX escapes) into text. */
function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The reset link in Marie's Inbox for `identifier`, read over IMAP as a mail program would. */
async function resetLinkFromMailbox(identifier: string): Promise<string> {
  const imap = await ImapTestClient.open(imapPort, { tls: false });
  try {
    expect(await imap.command(`LOGIN ${marie.address} ${MARIE_PASSWORD}`)).toMatch(/OK/);
    for (let attempt = 0; attempt < 50; attempt++) {
      await imap.command('SELECT INBOX');
      const fetched = await imap.command(
        'FETCH 1:* (BODY.PEEK[HEADER.FIELDS (SUBJECT FROM AUTO-SUBMITTED)] BODY.PEEK[TEXT])',
      );
      const text = decodeQuotedPrintable(fetched);
      const link = new RegExp(
        `compte ${identifier} [\\s\\S]*?(http://127\\.0\\.0\\.1:\\d+/aide/nouveau-mot-de-passe#[A-Za-z0-9_-]{43})`,
      ).exec(text);
      if (link?.[1]) {
        expect(text).toContain('Auto-Submitted: auto-generated');
        expect(text).toMatch(/From: .*no-reply@ac-test\.fr/);
        return link[1];
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('no reset mail arrived');
  } finally {
    await imap.command('LOGOUT').catch(() => undefined);
  }
}

describe('self-service recovery', () => {
  it('shows the identifier for a NUMEN and birth date, reached from the sign-in help', async () => {
    const user = addUser('Lucie', 'Aubrac', '21AB3456789CD', '1972-06-29');
    const { context, page, errors } = await openPage(browser, server.baseUrl);
    await page.getByRole('link', { name: 'Retrouver mon identifiant' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connaître son identifiant' }).waitFor();
    expect(page.url()).toBe(`${server.baseUrl}/aide/identifiant`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'recovery-identifier-fr-1440');

    // A wrong birth date: the same answer as any non-match.
    await fillRecoveryForm(page, '21ab 3456 789cd', '30/06/1972');
    await page.getByRole('button', { name: 'Afficher mon identifiant' }).click();
    await page.getByRole('alert').filter({ hasText: 'Aucun compte actif ne correspond' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByLabel('Date de naissance').fill('29/06/1972');
    await page.getByRole('button', { name: 'Afficher mon identifiant' }).click();
    const found = page.getByRole('status').filter({ hasText: 'Compte trouvé' });
    await found.waitFor();
    await expect.poll(() => found.textContent()).toContain(user.identifier);
    expect(await found.textContent()).toContain(user.address);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'recovery-identifier-found-fr-1440');
    expect(errors.filter((e) => !/status of (401|404)/.test(e))).toEqual([]);
    await context.close();
  });

  it('resets a forgotten password through the link mailed to the recovery address', async () => {
    const user = addUser('Jean', 'Moulin', '31CD4567890EF', '1969-06-20', '--recovery-email', marie.address);
    // A session open before the reset (the provisional password is the NUMEN).
    const { context: before, page: beforePage } = await openPage(browser, server.baseUrl);
    await signInThroughPortal(beforePage, user.identifier, '31CD4567890EF');
    await beforePage.getByRole('heading', { level: 1, name: 'Choisissez votre mot de passe' }).waitFor();

    const { context, page, errors } = await openPage(browser, server.baseUrl);
    await page.getByRole('link', { name: 'Réinitialiser mon mot de passe' }).click();
    await page.getByRole('heading', { level: 1, name: 'Réinitialiser son mot de passe' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'recovery-forgot-fr-1440');
    await fillRecoveryForm(page, '31CD4567890EF', '20/06/1969');
    await page.getByRole('button', { name: 'Recevoir un lien' }).click();
    await page.getByRole('status').filter({ hasText: 'Demande enregistrée' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const link = await resetLinkFromMailbox(user.identifier);
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'Choisir un nouveau mot de passe' }).waitFor();
    await page.getByText(`Compte ${user.identifier} (${user.address}).`).waitFor();
    // The token left the address bar.
    expect(page.url()).toBe(`${server.baseUrl}/aide/nouveau-mot-de-passe`);
    await screenshot(page, 'recovery-new-password-fr-1440');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('Moulin-Jean-1969!');
    await page.getByLabel('Confirmer le nouveau mot de passe').fill('Moulin-Jean-1969!');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByRole('alert').filter({ hasText: 'Le mot de passe n’a pas été changé' }).waitFor();
    await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirmer le nouveau mot de passe').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByRole('status').filter({ hasText: 'Votre mot de passe est changé' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'recovery-reset-done-fr-1440');

    // The link is spent (opened afresh, as from the mail: not a fragment change of this page).
    await page.goto('about:blank');
    await page.goto(link);
    await page.getByRole('alert').filter({ hasText: 'Ce lien a expiré, a déjà servi' }).waitFor();

    // The session opened before is gone.
    await beforePage.reload();
    await beforePage.getByRole('heading', { level: 1, name: 'Connexion à votre messagerie' }).waitFor();

    // The old password is refused, the new one works.
    await page.goto(server.baseUrl);
    await signInThroughPortal(page, user.identifier, '31CD4567890EF');
    await page.getByRole('alert').filter({ hasText: 'Identifiant ou mot de passe incorrect' }).waitFor();
    await signInThroughPortal(page, user.identifier, NEW_PASSWORD);
    await page.getByRole('heading', { name: /Bonjour Jean/ }).waitFor();
    expect(errors.filter((e) => !/status of (401|403|410)/.test(e))).toEqual([]);
    await context.close();
    await before.close();
  });

  it('fits a 360 px phone in English with the dark theme', async () => {
    for (const [path, heading] of [
      ['/aide/identifiant', 'Find your identifier'],
      ['/aide/mot-de-passe-oublie', 'Reset your password'],
      ['/aide/nouveau-mot-de-passe', 'Choose a new password'],
    ] as const) {
      const { context, page } = await openPage(browser, `${server.baseUrl}${path}`, {
        viewport: { width: 360, height: 800 },
        colorScheme: 'dark',
      });
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      if (path === '/aide/nouveau-mot-de-passe') {
        await page.getByRole('alert').filter({ hasText: 'This link is incomplete' }).waitFor();
      } else {
        // Submitting empty shows the field errors, which must be accessible too.
        await page.getByRole('button', { name: /Show my identifier|Send me a link/ }).click();
        await page.getByRole('alert').filter({ hasText: 'Enter your NUMEN.' }).waitFor();
      }
      expect(await axeViolations(page)).toEqual([]);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width).toBeLessThanOrEqual(360);
      await screenshot(page, `recovery${path.replaceAll('/', '-')}-en-dark-360`);
      await context.close();
    }
  });
});
