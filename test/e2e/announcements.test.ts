/**
 * Announcements in Chromium: published with `facteur announce` on the running server's data, shown
 * on the sign-in page (French, then English, maintenance with its dates) and above the webmail;
 * closing one is remembered across a reload; axe-core finds nothing, at 1280 px and at 360 px in the
 * dark theme.
 */
import type { Browser } from 'playwright-core';
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
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';
const HOUR = 3_600_000;

let server: ServerProcess;
let browser: Browser;
let lucie: ActiveUser;

const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  lucie = await activateUser(server, browser, 'Lucie', 'Garnier', PASSWORD);
  for (const args of [
    [
      '--start',
      at(-HOUR),
      '--end',
      at(HOUR),
      '--title',
      'Nouvelle messagerie',
      '--text',
      'Bienvenue dans votre nouvelle messagerie.',
      '--title-en',
      'New webmail',
      '--text-en',
      'Welcome to your new webmail.',
    ],
    [
      '--kind',
      'maintenance',
      '--start',
      at(24 * HOUR),
      '--end',
      at(26 * HOUR),
      '--title',
      'Coupure du service',
      '--text',
      'La messagerie sera indisponible.',
      '--title-en',
      'Service interruption',
      '--text-en',
      'The webmail will be unavailable.',
    ],
  ]) {
    const added = server.cli('announce', 'add', ...args);
    if (added.code !== 0) throw new Error(`announce add failed: ${added.stderr}`);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('announcements', () => {
  it('are shown on the sign-in page in both languages, and a closed one stays closed', async () => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(server.baseUrl);
    const region = page.getByRole('region', { name: 'Informations' });
    await region.getByRole('heading', { name: 'Nouvelle messagerie' }).waitFor();
    await region.getByText('Maintenance programmée').waitFor();
    await region.getByText(/^Prévue : .*2026.*–/).waitFor();
    await page.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'announcements-sign-in-fr-1280');

    await page.getByRole('button', { name: 'English' }).click();
    await page
      .getByRole('region', { name: 'Announcements' })
      .getByRole('heading', { name: 'Service interruption' })
      .waitFor();
    await page.getByRole('button', { name: 'Hide the announcement “New webmail”' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Service interruption' }).waitFor();
    expect(await page.getByRole('heading', { name: 'New webmail' }).count()).toBe(0);
    // Signed out, the session check answers 401 (once per load); nothing else may fail.
    expect(errors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    await context.close();
  });

  it('are shown above the webmail, on a phone too', async () => {
    const context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 360, height: 740 },
      colorScheme: 'dark',
      storageState: lucie.state,
    });
    const page = await context.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${server.baseUrl}/courrier`);
    await page
      .getByRole('region', { name: 'Informations' })
      .getByRole('heading', { name: 'Coupure du service' })
      .waitFor();
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'announcements-webmail-fr-dark-360');
    expect(errors).toEqual([]);
    await context.close();
  });
});
