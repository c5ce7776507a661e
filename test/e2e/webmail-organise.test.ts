/**
 * Organising mail in a real browser against `facteur serve`: folders created, nested, renamed,
 * moved and deleted from the sidebar (their messages going to the Trash); several messages checked
 * (by click, Shift+click range, "x", "select all") and marked, archived or moved at once; a message
 * dragged onto a folder; the theme chosen in the header; "select all" of a folder larger than the
 * rows loaded, then marked read and moved whole. axe-core on the folder dialog, the selection toolbar
 * and the "select all N" line; screenshots at 1440×900 and 360×740.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
import { freePort } from '../helpers/ports.js';
import {
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
let smtpPort: number;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
let address: string;
let state: Awaited<ReturnType<BrowserContext['storageState']>>;

async function deliver(subject: string, headers: string[] = []) {
  const result = await swaks(smtpPort, [
    '--to',
    address,
    '--from',
    'secretariat@example.org',
    '--header',
    `Subject: ${subject}`,
    ...headers.flatMap((header) => ['--header', header]),
    '--body',
    `Corps de « ${subject} ».`,
  ]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
}

function row(subject: string) {
  return page.locator('.mail-row').filter({ hasText: subject });
}

function nav() {
  return page.getByRole('navigation', { name: 'Dossiers' });
}

async function openFolder(name: string | RegExp) {
  await nav().getByRole('link', { name }).click();
  await page
    .getByRole('heading', { level: 2, name: typeof name === 'string' ? name : undefined })
    .first()
    .waitFor();
}

/**
 * The subjects of the rows shown, in order, of this test's messages only (tests run in any order and
 * share the mailbox).
 */
async function subjects(prefix: string): Promise<string[]> {
  return (await page.locator('.mail-row__subject').allTextContents()).filter((s) => s.startsWith(prefix));
}

/**
 * Puts `count` unread messages into `folder` (created if needed) through `facteur import mbox`: far
 * faster than as many SMTP deliveries. Received one minute apart, on 1 March 2024 onwards.
 */
function importMessages(folder: string, prefix: string, count: number) {
  const start = Date.UTC(2024, 2, 1, 8, 0, 0);
  const messages = Array.from({ length: count }, (_, i) => {
    const date = new Date(start + i * 60_000);
    // The separator's asctime date: "Fri Mar  1 08:00:00 2024".
    const [weekday, day, month, year, time] = date.toUTCString().replace(',', '').split(' ');
    const asctime = `${weekday} ${month} ${String(Number(day)).padStart(2, ' ')} ${time} ${year}`;
    const n = String(i + 1).padStart(3, '0');
    return [
      `From secretariat@example.org ${asctime}`,
      'From: Secrétariat <secretariat@example.org>',
      `To: ${address}`,
      `Subject: ${prefix} ${n}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <${prefix.toLowerCase()}-${n}@example.org>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Corps de « ${prefix} ${n} ».`,
      '',
    ].join('\n');
  });
  const file = join(mkdtempSync(join(tmpdir(), 'facteur-e2e-mbox-')), 'lot.mbox');
  writeFileSync(file, messages.join('\n'));
  const result = server.cli('import', 'mbox', address, file, '--folder', folder, '--json');
  expect(result.code, result.stderr).toBe(0);
  expect(JSON.parse(result.stdout)).toMatchObject({ imported: count });
}

async function isUnread(subject: string): Promise<boolean> {
  return row(subject)
    .locator('.mail-row__button--unread')
    .count()
    .then((n) => n > 0);
}

beforeAll(async () => {
  assertBuilt();
  smtpPort = await freePort();
  server = await startServerProcess({ FACTEUR_SMTP_PORT: String(smtpPort) });
  browser = await launchBrowser();
  const user = await activateUser(server, browser, 'Louise', 'Bernard', PASSWORD);
  address = user.address;
  state = user.state;
  for (const n of [1, 2, 3, 4, 5]) await deliver(`Lot ${n}`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1440, height: 900 },
    storageState: state,
  });
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
  // Confirmations (delete a folder, delete for good) are accepted.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${server.baseUrl}/courrier`);
  await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
});

afterEach(async () => {
  expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  await context.close();
});

describe('organising mail in the webmail', () => {
  it('checks messages by click, Shift+click, x and "select all", and marks and archives them at once', async () => {
    await row('Lot 5').waitFor();
    expect(await subjects('Lot')).toEqual(['Lot 5', 'Lot 4', 'Lot 3', 'Lot 2', 'Lot 1']);
    // The storage used, under the folders (JMAP Quota/get).
    await nav()
      .locator('..')
      .getByText(/^Espace utilisé : \d+(,\d)? [kM]?o sur \d+(,\d)? [kMG]?o \(0\s%\)$/)
      .waitFor();
    await row('Lot 5').getByRole('checkbox', { name: 'Sélectionner « Lot 5 »' }).check();
    await row('Lot 3')
      .getByRole('checkbox')
      .click({ modifiers: ['Shift'] });
    const toolbar = page.getByRole('toolbar', { name: 'Actions sur la sélection' });
    await expect.poll(() => toolbar.getByRole('status').textContent()).toBe('Messages sélectionnés : 3');
    expect(await row('Lot 2').getByRole('checkbox').isChecked()).toBe(false);
    // "x" on the focused row checks it too.
    await row('Lot 2').getByRole('button').focus();
    await page.keyboard.press('x');
    await expect.poll(() => toolbar.getByRole('status').textContent()).toBe('Messages sélectionnés : 4');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-bulk-fr-1440');

    await toolbar.getByRole('button', { name: 'Marquer comme lus' }).click();
    await expect.poll(() => isUnread('Lot 5')).toBe(false);
    for (const n of [4, 3, 2]) expect(await isUnread(`Lot ${n}`)).toBe(false);
    expect(await isUnread('Lot 1')).toBe(true);
    await toolbar.getByRole('button', { name: 'Marquer comme non lus' }).waitFor();

    await toolbar.getByRole('button', { name: 'Archiver' }).click();
    await expect.poll(() => subjects('Lot')).toEqual(['Lot 1']);
    await page.getByRole('status').filter({ hasText: 'Messages déplacés dans « Archives » : 4.' }).waitFor();
    expect(await toolbar.count()).toBe(0);
    await openFolder(/Archives/);
    await expect.poll(() => subjects('Lot')).toEqual(['Lot 5', 'Lot 4', 'Lot 3', 'Lot 2']);

    // "Select all", then move back to the Inbox with the form.
    await page.getByRole('checkbox', { name: 'Tout sélectionner' }).check();
    await toolbar
      .getByRole('combobox', { name: 'Déplacer vers' })
      .selectOption({ label: 'Boîte de réception' });
    await toolbar.getByRole('button', { name: 'Déplacer', exact: true }).click();
    await expect.poll(() => subjects('Lot')).toEqual([]);
    await openFolder(/Boîte de réception/);
    await expect.poll(() => subjects('Lot')).toEqual(['Lot 5', 'Lot 4', 'Lot 3', 'Lot 2', 'Lot 1']);
  });

  it('creates, nests, renames and deletes folders, and takes a message dropped on one', async () => {
    await deliver('Sortie au musée');
    await nav().getByRole('button', { name: 'Nouveau dossier' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nouveau dossier' });
    await dialog.waitFor();
    // A name the folder list already has is refused in the dialog, with focus on the field.
    await dialog.getByLabel('Nom du dossier').fill('Archives');
    await dialog.getByRole('button', { name: 'Créer le dossier' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: 'Un dossier de ce nom existe déjà à cet endroit.' })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-folder-dialog-fr-1440');
    await dialog.getByLabel('Nom du dossier').fill('Projets');
    await dialog.getByRole('button', { name: 'Créer le dossier' }).click();
    await page.getByRole('heading', { level: 2, name: 'Projets' }).waitFor();

    await nav().getByRole('button', { name: 'Nouveau dossier' }).click();
    await dialog.getByLabel('Nom du dossier').fill('Sorties');
    await dialog.getByLabel('Placer dans').selectOption({ label: 'Projets' });
    await dialog.getByRole('button', { name: 'Créer le dossier' }).click();
    await page.getByRole('heading', { level: 2, name: 'Sorties' }).waitFor();

    await nav().getByRole('button', { name: 'Modifier le dossier « Sorties »' }).click();
    const edit = page.getByRole('dialog', { name: 'Dossier « Sorties »' });
    await edit.getByLabel('Nom du dossier').fill('Sorties scolaires');
    // Its own place and itself are not offered as its parent.
    expect(await edit.getByLabel('Placer dans').locator('option').allTextContents()).not.toContain(
      expect.stringContaining('Sorties'),
    );
    await edit.getByRole('button', { name: 'Enregistrer' }).click();
    await nav().getByRole('link', { name: 'Sorties scolaires' }).waitFor();

    // Drag a message from the Inbox onto the folder.
    await openFolder(/Boîte de réception/);
    await row('Sortie au musée').waitFor();
    await row('Sortie au musée')
      .getByRole('button')
      .dragTo(nav().getByRole('link', { name: 'Sorties scolaires' }));
    await expect.poll(() => subjects('Sortie')).toEqual([]);
    await openFolder('Sorties scolaires');
    await expect.poll(() => subjects('Sortie')).toEqual(['Sortie au musée']);

    // A folder with a subfolder is not deleted: the user is told why.
    await nav().getByRole('button', { name: 'Modifier le dossier « Projets »' }).click();
    const projets = page.getByRole('dialog', { name: 'Dossier « Projets »' });
    await projets.getByRole('button', { name: 'Supprimer le dossier' }).click();
    await projets
      .getByRole('alert')
      .filter({ hasText: 'Ce dossier contient des sous-dossiers : déplacez-les ou supprimez-les d’abord.' })
      .waitFor();
    await projets.getByRole('button', { name: 'Annuler' }).click();

    // Deleting a folder puts its messages in the Trash.
    await nav().getByRole('button', { name: 'Modifier le dossier « Sorties scolaires »' }).click();
    await page
      .getByRole('dialog', { name: 'Dossier « Sorties scolaires »' })
      .getByRole('button', { name: 'Supprimer le dossier' })
      .click();
    await page
      .getByRole('status')
      .filter({
        hasText: 'Dossier « Sorties scolaires » supprimé ; ses messages (1) sont dans la corbeille.',
      })
      .waitFor();
    await expect.poll(() => nav().getByRole('link', { name: 'Sorties scolaires' }).count()).toBe(0);
    await openFolder(/Corbeille/);
    await expect.poll(() => subjects('Sortie')).toEqual(['Sortie au musée']);
  });

  it('shows one row per conversation when asked, and archives a conversation whole', async () => {
    // "Message-Id" as swaks writes it, so that ours replaces its own.
    await deliver('Projet de sortie', ['Message-Id: <sortie-1@example.org>']);
    await deliver('Re: Projet de sortie', [
      'Message-Id: <sortie-2@example.org>',
      'In-Reply-To: <sortie-1@example.org>',
      'References: <sortie-1@example.org>',
    ]);
    await row('Re: Projet de sortie').waitFor();
    const toggle = page.getByRole('button', { name: 'Conversations' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await subjects('Projet de sortie')).toEqual(['Projet de sortie']);
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-pressed')).toBe('true');
    const conversation = row('Re: Projet de sortie');
    await expect.poll(() => conversation.textContent()).toContain('conversation de 2 messages');
    expect(await subjects('Projet de sortie')).toEqual([]);
    expect(await page.locator('.mail-list__count').textContent()).toMatch(/^Conversations : \d+$/);
    expect(await isUnread('Re: Projet de sortie')).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-conversations-fr-1440');

    await conversation.getByRole('checkbox').check();
    await page
      .getByRole('toolbar', { name: 'Actions sur la sélection' })
      .getByRole('button', { name: 'Archiver' })
      .click();
    await page.getByRole('status').filter({ hasText: 'Messages déplacés dans « Archives » : 2.' }).waitFor();
    await expect.poll(() => subjects('Re: Projet de sortie')).toEqual([]);
    await openFolder(/Archives/);
    await expect.poll(() => subjects('Re: Projet de sortie')).toEqual(['Re: Projet de sortie']);
    // One row per message again, remembered across a reload.
    await page.getByRole('button', { name: 'Conversations' }).click();
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    expect(await page.getByRole('button', { name: 'Conversations' }).getAttribute('aria-pressed')).toBe(
      'false',
    );
    await openFolder(/Archives/);
    await expect
      .poll(() => subjects('Re: Projet de sortie').then(async (re) => [...re, ...(await subjects('Projet'))]))
      .toEqual(['Re: Projet de sortie', 'Projet de sortie']);
  });

  it('sets the vacation auto-reply, which the webmail then says is on', async () => {
    await page.goto(`${server.baseUrl}/parametres/absence`);
    await page.getByRole('heading', { level: 1, name: 'Réponse automatique d’absence' }).waitFor();
    await page.getByLabel('Envoyer une réponse automatique').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Écrivez le message de votre réponse automatique.' })
      .first()
      .waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('vacation-body');
    const day = (offset: number) => {
      const date = new Date(Date.now() + offset * 86_400_000);
      return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
    };
    await page.getByLabel('Du', { exact: true }).fill(day(0));
    await page.getByLabel('Au', { exact: true }).fill(day(7));
    await page.getByLabel('Objet', { exact: true }).fill('Absente cette semaine');
    await page.getByLabel('Message', { exact: true }).fill('Je suis absente jusqu’à lundi prochain.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'Réponse automatique enregistrée' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-vacation-fr-1440');
    await page.reload();
    await expect
      .poll(() => page.getByLabel('Message', { exact: true }).inputValue())
      .toBe('Je suis absente jusqu’à lundi prochain.');
    expect(await page.getByLabel('Au', { exact: true }).inputValue()).toBe(day(7));
    expect(await page.getByLabel('Envoyer une réponse automatique').isChecked()).toBe(true);
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'webmail-vacation-fr-360');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.getByRole('link', { name: 'Ouvrir ma messagerie' }).click();
    await page.getByText('Votre réponse automatique d’absence est active.').waitFor();
    // Off again: the banner goes.
    await page.getByRole('link', { name: 'La modifier' }).click();
    await page.getByLabel('Envoyer une réponse automatique').uncheck();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByRole('status').filter({ hasText: 'elle est désactivée' }).waitFor();
    await page.goto(`${server.baseUrl}/courrier`);
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByText('Votre réponse automatique d’absence est active.').count()).toBe(0);
  });

  it('keeps the theme chosen in the header over the system one, across a reload', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    const theme = page.getByRole('combobox', { name: 'Thème' });
    expect(await theme.inputValue()).toBe('system');
    await theme.selectOption({ label: 'Sombre' });
    await expect.poll(background).not.toBe(light);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await axeViolations(page)).toEqual([]);
    // Back to automatic: the system's (emulated) preference rules again, and follows its changes.
    await page.getByRole('combobox', { name: 'Thème' }).selectOption({ label: 'Automatique' });
    await expect.poll(background).toBe(light);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('fits a 360 px phone with the selection toolbar, and passes axe in English with the dark theme', async () => {
    await deliver('Sur mobile');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Inbox' }).waitFor();
    await row('Sur mobile').getByRole('checkbox', { name: 'Select “Sur mobile”' }).check();
    await page.getByRole('toolbar', { name: 'Actions on the selection' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-bulk-en-dark-360');
    await page.getByRole('button', { name: 'Folders' }).click();
    await page
      .getByRole('navigation', { name: 'Folders' })
      .getByRole('button', { name: 'New folder' })
      .click();
    await page.getByRole('dialog', { name: 'New folder' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-folder-dialog-en-dark-360');
  });

  it('selects every message of a folder larger than the rows loaded, marks them read and moves them', async () => {
    importMessages('Circulaires', 'Circulaire', 130);
    importMessages('Classement', 'Classement', 1);
    await page.reload();
    const folderLink = () => nav().getByRole('link', { name: /^Circulaires/ });
    await expect.poll(() => folderLink().textContent()).toContain('non lus : 130');
    await folderLink().click();
    await page.getByRole('heading', { level: 2, name: 'Circulaires' }).waitFor();
    const count = page.locator('.mail-list__count');
    await expect.poll(() => count.textContent()).toBe('Messages : 130');

    // "Select all" checks the 100 rows loaded, and offers the 130.
    const selectAll = page.getByRole('checkbox', { name: 'Tout sélectionner' });
    await selectAll.check();
    const line = page.locator('.select-all');
    await expect
      .poll(() => line.getByRole('status').textContent())
      .toBe('Les 100 messages affichés sont sélectionnés.');
    const toolbar = page.getByRole('toolbar', { name: 'Actions sur la sélection' });
    expect(await toolbar.getByRole('status').textContent()).toBe('Messages sélectionnés : 100');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-select-all-offer-fr-1440');
    await line.getByRole('button', { name: 'Sélectionner les 130 messages de « Circulaires »' }).click();
    await expect
      .poll(() => line.getByRole('status').textContent())
      .toBe('Les 130 messages de « Circulaires » sont sélectionnés.');
    const cancel = line.getByRole('button', { name: 'Annuler la sélection' });
    // The focus stays on the line's button, whose label changed.
    expect(await cancel.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await toolbar.getByRole('status').textContent()).toBe('Messages sélectionnés : 130');
    // Keywords of the messages not loaded are unknown: both ways are offered.
    for (const name of ['Marquer comme lus', 'Marquer comme non lus', 'Suivre', 'Ne plus suivre'])
      await toolbar.getByRole('button', { name, exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-select-all-fr-1440');

    // Escape clears it all; "Annuler la sélection" too.
    await page.keyboard.press('Escape');
    await expect.poll(() => toolbar.count()).toBe(0);
    expect(await line.getByRole('status').textContent()).toBe('');
    expect(await selectAll.isChecked()).toBe(false);
    await selectAll.check();
    await line.getByRole('button', { name: /^Sélectionner les 130 messages/ }).click();
    await cancel.click();
    await expect.poll(() => toolbar.count()).toBe(0);
    await expect.poll(() => selectAll.evaluate((el) => el === document.activeElement)).toBe(true);

    // At 360 px the line fits and passes axe, in the dark theme.
    await selectAll.check();
    await line.getByRole('button', { name: /^Sélectionner les 130 messages/ }).click();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-select-all-fr-dark-360');
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });

    // Marked read, all 130: the folder's unread count goes.
    await toolbar.getByRole('button', { name: 'Marquer comme lus', exact: true }).click();
    await page.locator('.bulk__progress').filter({ hasText: 'Terminé : 130 messages traités.' }).waitFor();
    await expect.poll(() => folderLink().textContent()).toBe('Circulaires');
    expect(await isUnread('Circulaire 130')).toBe(false);

    // Moved, all 130: the folder empties, the other one counts them.
    await toolbar.getByRole('combobox', { name: 'Déplacer vers' }).selectOption({ label: 'Classement' });
    await toolbar.getByRole('button', { name: 'Déplacer', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: 'Messages déplacés dans « Classement » : 130.' })
      .waitFor();
    await expect.poll(() => count.textContent()).toBe('Messages : 0');
    expect(await toolbar.count()).toBe(0);
    expect(await line.getByRole('status').textContent()).toBe('');
    await nav()
      .getByRole('link', { name: /^Classement/ })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Classement' }).waitFor();
    await expect.poll(() => count.textContent()).toBe('Messages : 131');
  });
});
