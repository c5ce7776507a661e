/**
 * Two users exchange mail through the webmail in Chromium: Camille writes to Hugo with an attachment
 * (picked, uploaded with progress), sends; Hugo sees it arrive without reloading, downloads the
 * attachment (same bytes), replies; Camille gets the reply in the same conversation. A draft survives
 * a reload; "Annuler" after sending stops the message; a message scheduled for later leaves at its
 * time with every browser closed. axe-core on the composer, screenshots at 1440 and 360.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
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

let server: ServerProcess;
let browser: Browser;
type User = ActiveUser;
let camille: User;
let hugo: User;

async function openAs(user: User, viewport = { width: 1440, height: 900 }) {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport,
    storageState: user.state,
    acceptDownloads: true,
  });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(`${server.baseUrl}/courrier`);
  await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
  return { context, page, errors };
}

const row = (page: Page, subject: string) => page.locator('.mail-row').filter({ hasText: subject });

async function write(page: Page, to: string, subject: string, body: string) {
  await page.getByRole('button', { name: 'Nouveau message' }).click();
  const form = page.locator('form.composer');
  await form.getByLabel('À', { exact: true }).fill(to);
  await form.getByLabel('Objet').fill(subject);
  await form.getByRole('textbox', { name: 'Corps du message' }).click();
  await page.keyboard.type(body);
  return form;
}

/** Messages in `user`'s Inbox with this subject, read over JMAP (not through any browser). */
async function inboxCount(user: User, subject: string): Promise<number> {
  const cookie = user.state.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = user.state.cookies.find((c) => c.name === 'facteur_csrf')?.value ?? '';
  const session = await (await fetch(`${server.baseUrl}/jmap/session`, { headers: { cookie } })).json();
  const accountId = session.primaryAccounts['urn:ietf:params:jmap:mail'];
  const response = await fetch(`${server.baseUrl}/jmap/api`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: JSON.stringify({
      using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
      methodCalls: [['Email/query', { accountId, filter: { subject } }, 'q']],
    }),
  });
  const json = await response.json();
  return (json.methodResponses[0][1].ids as string[]).length;
}

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  camille = await activateUser(server, browser, 'Camille', 'Martin', PASSWORD);
  hugo = await activateUser(server, browser, 'Hugo', 'Bernard', PASSWORD);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('writing mail in the webmail', () => {
  it('lets two users exchange a message with an attachment, live, and reply in the same conversation', async () => {
    const bytes = Buffer.from(Array.from({ length: 120_000 }, (_, i) => (i * 7) % 251));
    const file = join(tmpdir(), `bulletin-${process.pid}.pdf`);
    writeFileSync(file, bytes);
    const sender = await openAs(camille);
    const receiver = await openAs(hugo);
    const form = await write(
      sender.page,
      hugo.address,
      'Bulletins du trimestre',
      'Bonjour Hugo, voici les bulletins.',
    );
    await form.locator('input[type=file]').setInputFiles(file);
    await form.getByText(/bulletin-\d+\.pdf/).waitFor();
    expect(await axeViolations(sender.page)).toEqual([]);
    await screenshot(sender.page, 'webmail-compose-fr-1440');
    await form.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await sender.page.getByRole('status').filter({ hasText: 'Message envoyé.' }).waitFor();
    await sender.page.getByRole('button', { name: 'Annuler' }).waitFor();

    // Held 10 s for undo, then delivered: Hugo's open page shows it without a reload.
    await row(receiver.page, 'Bulletins du trimestre').waitFor({ timeout: 20_000 });
    await row(receiver.page, 'Bulletins du trimestre').getByRole('button').click();
    await receiver.page.getByRole('heading', { level: 2, name: 'Bulletins du trimestre' }).waitFor();
    await expect
      .poll(() => receiver.page.frameLocator('iframe.reader__frame').locator('body').textContent())
      .toContain('voici les bulletins');
    const link = receiver.page.getByRole('link', { name: /bulletin-\d+\.pdf/ });
    const [download] = await Promise.all([receiver.page.waitForEvent('download'), link.click()]);
    const saved = readFileSync((await download.path()) as string);
    expect(createHash('sha256').update(saved).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );

    await receiver.page.getByRole('toolbar').getByRole('button', { name: 'Répondre', exact: true }).click();
    const replyForm = receiver.page.locator('form.composer');
    expect(await replyForm.getByLabel('À', { exact: true }).inputValue()).toBe(
      `Camille Martin <${camille.address}>`,
    );
    expect(await replyForm.getByLabel('Objet').inputValue()).toBe('Re: Bulletins du trimestre');
    await replyForm.getByRole('textbox', { name: 'Corps du message' }).click();
    await receiver.page.keyboard.press('Control+Home');
    await receiver.page.keyboard.type('Merci Camille, bien reçu.');
    await replyForm.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await receiver.page.getByRole('status').filter({ hasText: 'Message envoyé.' }).waitFor();

    await row(sender.page, 'Re: Bulletins du trimestre').waitFor({ timeout: 20_000 });
    await row(sender.page, 'Re: Bulletins du trimestre').getByRole('button').click();
    await expect
      .poll(() => sender.page.frameLocator('iframe.reader__frame').locator('body').textContent())
      .toContain('Merci Camille, bien reçu.');
    // The conversation lists both messages.
    const thread = sender.page.getByRole('region', { name: /Conversation/ });
    await expect.poll(() => thread.getByRole('listitem').count()).toBe(2);
    expect(await thread.textContent()).toContain('Bulletins du trimestre');
    for (const side of [sender, receiver]) {
      expect(side.errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
      await side.context.close();
    }
  }, 90_000);

  it('keeps a draft across a reload, and stops a message when "Annuler" is pressed in time', async () => {
    const { page, context } = await openAs(camille);
    await write(page, hugo.address, 'Brouillon du conseil', 'Ordre du jour : budget.');
    await page.getByRole('status').filter({ hasText: 'Brouillon enregistré' }).waitFor({ timeout: 10_000 });
    await page.reload();
    await page
      .getByRole('navigation', { name: 'Dossiers' })
      .getByRole('link', { name: /Brouillons/ })
      .click();
    await row(page, 'Brouillon du conseil').getByRole('button').click();
    const form = page.locator('form.composer');
    expect(await form.getByLabel('Objet').inputValue()).toBe('Brouillon du conseil');
    await expect
      .poll(() => form.getByRole('textbox', { name: 'Corps du message' }).textContent())
      .toContain('Ordre du jour : budget.');
    await form.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('status').filter({ hasText: 'Envoi annulé' }).waitFor();
    // Back in the composer, and in Drafts; never delivered.
    await expect
      .poll(() => page.locator('form.composer').getByLabel('Objet').inputValue())
      .toBe('Brouillon du conseil');
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    expect(await inboxCount(hugo, 'Brouillon du conseil')).toBe(0);
    await context.close();
  }, 60_000);

  it('sends a scheduled message at its time with every browser closed', async () => {
    const { page, context } = await openAs(camille, { width: 360, height: 740 });
    const form = await write(page, hugo.address, 'Rappel programmé', 'N’oubliez pas la réunion.');
    await screenshot(page, 'webmail-compose-fr-360');
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Envoyer plus tard' }).click();
    const when = new Date(Date.now() + 15_000);
    const local = new Date(when.getTime() - when.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
    await form.getByLabel('Date et heure d’envoi').fill(local);
    await form.getByRole('button', { name: 'Programmer l’envoi' }).click();
    await page.getByRole('status').filter({ hasText: 'Envoi programmé le' }).waitFor();
    await context.close();
    expect(await inboxCount(hugo, 'Rappel programmé')).toBe(0);
    await expect
      .poll(() => inboxCount(hugo, 'Rappel programmé'), { timeout: 30_000, interval: 1_000 })
      .toBe(1);
    expect(Date.now()).toBeGreaterThanOrEqual(when.getTime() - 1_000);
  }, 60_000);
});
