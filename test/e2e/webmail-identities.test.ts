/**
 * Identities, directory autocompletion and forwarding as an attachment in Chromium: Camille sets
 * her signature and a blind copy to herself on the "Identités et signatures" page, writes a message
 * that starts signed (with herself in Bcc), picks Hugo from the directory with the keyboard in the
 * recipient combobox, and sends; Hugo forwards it back with the original attached whole (message/rfc822), which Camille receives as a .eml file.
 * axe-core on the identities page and on the composer with the suggestions open.
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
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';

let server: ServerProcess;
let browser: Browser;
let camille: ActiveUser;
let hugo: ActiveUser;

const openAs = (user: ActiveUser, path: string) => openPage(browser, `${server.baseUrl}${path}`, { user });

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  camille = await activateUser(server, browser, 'Camille', 'Lefèvre', PASSWORD);
  hugo = await activateUser(server, browser, 'Hugo', 'Bérard', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('identities, directory and forward as attachment in the webmail', () => {
  it('signs, suggests from the directory, and forwards a message whole', async () => {
    const sender = await openAs(camille, '/parametres/identites');
    const { page } = sender;
    await page.getByRole('heading', { level: 1, name: 'Identités et signatures' }).waitFor();
    const form = page.locator('form.identity').first();
    await form.getByLabel('Signature').fill('Camille Lefèvre\nProfesseure de lettres');
    // A blind copy of every message to herself: the composer shows it in Bcc, and it arrives.
    await form.getByLabel('Copie cachée à chaque envoi (Cci)').fill('pas une adresse');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await form.getByText('Cette liste contient une adresse invalide').waitFor();
    await form.getByLabel('Copie cachée à chaque envoi (Cci)').fill(camille.address);
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await form.getByRole('status').filter({ hasText: 'Enregistré.' }).waitFor();
    await screenshot(page, 'identities-fr-1440');

    await page.goto(`${server.baseUrl}/courrier`);
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    await page.getByRole('button', { name: 'Nouveau message' }).click();
    const composer = page.locator('form.composer');
    const body = composer.getByRole('textbox', { name: 'Corps du message' });
    await expect.poll(() => body.textContent()).toContain('Professeure de lettres');
    expect(await body.textContent()).toMatch(/^\s*--\s?Camille Lefèvre/);
    expect(await composer.getByRole('combobox', { name: 'Copie cachée' }).inputValue()).toBe(camille.address);

    // The directory: accents ignored, chosen with the keyboard.
    const to = composer.getByRole('combobox', { name: 'À', exact: true });
    await to.click();
    await page.keyboard.type('bera');
    const option = composer.getByRole('option', { name: /Hugo Bérard/ });
    await option.waitFor();
    expect(await to.getAttribute('aria-expanded')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('ArrowDown');
    expect(await to.getAttribute('aria-activedescendant')).toBe(await option.getAttribute('id'));
    await page.keyboard.press('Enter');
    expect(await to.inputValue()).toBe(`Hugo Bérard <${hugo.address}>, `);
    expect(await to.getAttribute('aria-expanded')).toBe('false');
    // Fewer than 2 characters: no directory suggestion.
    await composer.getByLabel('Objet').fill('Sortie au théâtre');
    await body.click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('Bonjour Hugo, la sortie est confirmée.');
    await composer.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Message envoyé.' }).waitFor();
    await page
      .locator('.mail-row')
      .filter({ hasText: 'Sortie au théâtre' })
      .first()
      .waitFor({ timeout: 30_000 });

    // Hugo forwards it back, with the original attached whole.
    const receiver = await openAs(hugo, '/courrier');
    const rp = receiver.page;
    const row = rp.locator('.mail-row').filter({ hasText: 'Sortie au théâtre' });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button').click();
    await rp.getByRole('heading', { level: 2, name: 'Sortie au théâtre' }).waitFor();
    await expect
      .poll(() => rp.frameLocator('iframe.reader__frame').locator('body').textContent())
      .toMatch(/--\s*Camille Lefèvre\s*Professeure de lettres/);
    await rp.getByRole('toolbar').getByRole('button', { name: 'Transférer', exact: true }).click();
    const fwd = rp.locator('form.composer');
    await fwd.getByLabel('Joindre le message d’origine complet (transférer en pièce jointe)').check();
    await fwd.getByText('Sortie au théâtre.eml').waitFor();
    await fwd.getByRole('combobox', { name: 'À', exact: true }).fill(camille.address);
    await fwd.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await rp.getByRole('status').filter({ hasText: 'Message envoyé.' }).waitFor();

    const back = page.locator('.mail-row').filter({ hasText: 'Fwd: Sortie au théâtre' });
    await back.waitFor({ timeout: 30_000 });
    await back.getByRole('button').click();
    await page.getByRole('link', { name: /Sortie au théâtre\.eml/ }).waitFor();
    expect(sender.errors).toEqual([]);
    expect(receiver.errors).toEqual([]);
    await sender.context.close();
    await receiver.context.close();
  }, 180_000);
});
