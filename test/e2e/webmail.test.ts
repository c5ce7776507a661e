/**
 * The webmail in a real browser against `facteur serve`: mail delivered over SMTP (swaks) shows in
 * the list, arrives live without a reload, opens in the reader (marked read), its attachment
 * downloads byte for byte; a message can be flagged, moved and deleted; the outside sender and the
 * impersonation warnings show; a corpus of hostile HTML messages is opened one by one and no script
 * runs, no request leaves for a remote host until remote content is allowed. axe-core finds nothing
 * on the list and the reader, in French and English, light and dark; screenshots at 360×740 and
 * 1440×900.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { swaks } from '../helpers/clients.js';
import { freePort } from '../helpers/ports.js';
import { solidPng, textPdf } from '../helpers/sample-files.js';
import {
  activateUser,
  assertBuilt,
  axeViolations,
  collectConsoleErrors,
  launchBrowser,
  ROOT,
  type ServerProcess,
  screenshot,
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Cadran-Solaire-Ete-42!';
const HOSTILE_DIR = join(ROOT, 'test/fixtures/hostile-html');

let server: ServerProcess;
let smtpPort: number;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
let camille: { identifier: string; address: string };
/** Cookies of a signed-in session, so that each test starts in the webmail. */
let camilleState: Awaited<ReturnType<BrowserContext['storageState']>>;

async function deliver(to: string, subject: string, args: string[]) {
  const result = await swaks(smtpPort, ['--to', to, '--header', `Subject: ${subject}`, ...args]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
}

/** swaks arguments for an HTML message whose body is the file (read by swaks: it may hold NULs). */
function htmlMessage(file: string): string[] {
  return [
    '--from',
    'lettre@example.org',
    '--header',
    'MIME-Version: 1.0',
    '--header',
    'Content-Type: text/html; charset=utf-8',
    '--body',
    `@${file}`,
  ];
}

async function openMail(target: Page) {
  await target.goto(`${server.baseUrl}/courrier`);
  await target.getByRole('heading', { level: 2, name: /Boîte de réception|Inbox/ }).waitFor();
}

function row(target: Page, subject: string) {
  return target.locator('.mail-row').filter({ hasText: subject });
}

/** The row of `subject`, scrolling the virtualized list until it is rendered. */
async function findRow(target: Page, subject: string) {
  const scroller = target.locator('.mail-list__scroll');
  for (let i = 0; i < 200; i++) {
    // Where the list stands first (the next message is usually near), then from the top.
    if (i === 1) await scroller.evaluate((el) => el.scrollTo(0, 0));
    const found = row(target, subject);
    if ((await found.count()) > 0) {
      // Centred, so that it stays rendered whatever the virtualizer's overscan.
      await found.evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await target.waitForTimeout(50);
      if ((await found.count()) > 0) return found;
    }
    const atEnd = await scroller.evaluate((el) => {
      el.scrollBy(0, el.clientHeight / 2);
      return el.scrollTop + el.clientHeight >= el.scrollHeight;
    });
    await target.waitForTimeout(50);
    if (atEnd && (await row(target, subject).count()) === 0 && i > 0) break;
  }
  const shown = await target.locator('.mail-row__subject').allTextContents();
  await screenshot(target, 'webmail-row-not-found');
  throw new Error(`no row "${subject}" in the list; rendered: ${shown.join(' | ')}`);
}

beforeAll(async () => {
  assertBuilt();
  smtpPort = await freePort();
  server = await startServerProcess({ FACTEUR_SMTP_PORT: String(smtpPort) });
  browser = await launchBrowser();
  const user = await activateUser(server, browser, 'Camille', 'Martin', PASSWORD);
  camille = user;
  camilleState = user.state;
  // An internal colleague, so that an outside sender using her name is recognised as imitation.
  await deliver(camille.address, 'Réunion de rentrée', [
    '--from',
    'nadia.benali@ac-test.fr',
    '--header',
    'From: Nadia Benali <nadia.benali@ac-test.fr>',
    '--body',
    'La réunion aura lieu lundi à 9 h en salle 12.',
  ]);
  await deliver(camille.address, 'Virement urgent', [
    '--from',
    'nadia.benali.ac@mail.example',
    '--header',
    'From: "Nadia Benali" <nadia.benali.ac@mail.example>',
    '--body',
    'Peux-tu faire un virement aujourd’hui ? Merci.',
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1440, height: 900 },
    storageState: camilleState,
    acceptDownloads: true,
  });
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
});

afterEach(async () => {
  // Messages' own resources (and the <base> a hostile one carries) blocked by a policy are
  // expected; the app's are not.
  const appErrors = consoleErrors.filter(
    (e) => /Content Security Policy|Refused to/i.test(e) && !/canary\.test|inline|data:|base URI/i.test(e),
  );
  expect(appErrors).toEqual([]);
  await context.close();
});

describe('the webmail', () => {
  it('lists the inbox with its unread count, opens a message and marks it read', async () => {
    await deliver(camille.address, 'Conseil de classe', [
      '--from',
      'parent@example.org',
      '--body',
      'Le conseil aura lieu en salle 12.',
    ]);
    await openMail(page);
    const inboxLink = page
      .getByRole('navigation', { name: 'Dossiers' })
      .getByRole('link', { name: /Boîte de réception/ });
    await row(page, 'Conseil de classe').waitFor();
    const unread = async () =>
      Number(/non lus : (\d+)/.exec((await inboxLink.textContent()) ?? '')?.[1] ?? 0);
    const before = await unread();
    expect(before).toBeGreaterThanOrEqual(1);
    expect(await row(page, 'Conseil de classe').textContent()).toContain('non lu');
    await row(page, 'Conseil de classe').getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: 'Conseil de classe' }).waitFor();
    const frame = page.frameLocator('iframe.reader__frame');
    await expect.poll(() => frame.locator('body').textContent()).toContain('salle 12');
    await expect.poll(unread).toBe(before - 1);
    expect(await row(page, 'Conseil de classe').textContent()).not.toContain('non lu');
    await screenshot(page, 'webmail-reader-fr-1440');
    expect(await axeViolations(page)).toEqual([]);
    // An internal sender: no warning; an outside one: the external banner.
    await row(page, 'Réunion de rentrée').getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: 'Réunion de rentrée' }).waitFor();
    expect(await page.locator('.reader__external').count()).toBe(0);
  });

  it('warns of an outside sender posing as a colleague', async () => {
    await openMail(page);
    await row(page, 'Réunion de rentrée').waitFor();
    await row(page, 'Virement urgent').getByRole('button').click();
    await page.getByRole('alert').filter({ hasText: 'tentative d’usurpation' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('nadia.benali.ac@mail.example');
  });

  it('shows new mail without a reload, and flags, moves and deletes it', async () => {
    await openMail(page);
    await row(page, 'Réunion de rentrée').waitFor();
    await deliver(camille.address, 'Arrivée en direct', [
      '--from',
      'parent@example.org',
      '--body',
      'Bonjour, voici ma question.',
    ]);
    const started = Date.now();
    await row(page, 'Arrivée en direct').waitFor({ timeout: 5_000 });
    const arrivalMs = Date.now() - started;
    expect(arrivalMs).toBeLessThan(3_000);
    // Said in the page too (a live region), for those who do not watch the list.
    await page
      .getByRole('status')
      .filter({ hasText: 'Nouveaux messages dans la boîte de réception : 1.' })
      .waitFor();
    await row(page, 'Arrivée en direct').getByRole('button').click();
    const toolbar = page.getByRole('toolbar', { name: 'Actions sur le message' });
    await toolbar.getByRole('button', { name: 'Suivre' }).click();
    await expect
      .poll(() => toolbar.getByRole('button', { name: 'Suivre' }).getAttribute('aria-pressed'))
      .toBe('true');
    await expect
      .poll(() => row(page, 'Arrivée en direct').getByRole('img', { name: 'suivi' }).count())
      .toBe(1);
    await toolbar.getByRole('button', { name: 'Archiver' }).click();
    await page.getByRole('status').filter({ hasText: 'Message déplacé dans « Archives »' }).waitFor();
    await expect.poll(() => row(page, 'Arrivée en direct').count()).toBe(0);
    await page
      .getByRole('navigation', { name: 'Dossiers' })
      .getByRole('link', { name: /Archives/ })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Archives' }).waitFor();
    await row(page, 'Arrivée en direct').getByRole('button').click();
    await page.getByRole('toolbar').getByRole('button', { name: 'Supprimer' }).click();
    await expect.poll(() => row(page, 'Arrivée en direct').count()).toBe(0);
    await page
      .getByRole('navigation', { name: 'Dossiers' })
      .getByRole('link', { name: /Corbeille/ })
      .click();
    await row(page, 'Arrivée en direct').waitFor();
    // Emptying the Trash deletes it for good, after a confirmation.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Vider la corbeille' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Messages supprimés définitivement : [1-9]/ })
      .waitFor();
    await expect.poll(() => row(page, 'Arrivée en direct').count()).toBe(0);
  });

  it('finds École when searching ecole, marks it, filters, and keeps the search in the sidebar', async () => {
    await deliver(camille.address, 'Sortie de l’École des Tilleuls', [
      '--from',
      'directrice@example.org',
      '--body',
      'Les élèves de l’école partent en sortie jeudi.',
    ]);
    await openMail(page);
    await row(page, 'Sortie de l’École des Tilleuls').waitFor();
    const search = page.getByRole('search', { name: 'Rechercher dans les messages' });
    await search.getByRole('searchbox', { name: 'Mots à rechercher' }).fill('ecole');
    await search.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('heading', { level: 2, name: 'Résultats de la recherche' }).waitFor();
    const found = row(page, 'Sortie de l’');
    await expect.poll(() => found.locator('mark').allTextContents()).toEqual(['École', 'école']);
    expect(await page.locator('.mail-row').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-search-fr-1440');
    // A filter that excludes it: unread only, after reading it.
    await found.getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: 'Sortie de l’École des Tilleuls' }).waitFor();
    await search.getByRole('button', { name: 'Filtres' }).click();
    await search.getByLabel('Non lus').check();
    await search.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => page.locator('.mail-list__count').textContent()).toBe('Messages : 0');
    await search.getByLabel('Non lus').uncheck();
    await search.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => page.locator('.mail-list__count').textContent()).toBe('Messages : 1');
    await page.getByRole('button', { name: 'Enregistrer la recherche' }).click();
    const nav = page.getByRole('navigation', { name: 'Dossiers' });
    await nav.getByRole('link', { name: /Boîte de réception/ }).click();
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    await nav.getByRole('link', { name: 'ecole' }).click();
    await page.getByRole('heading', { level: 2, name: 'Résultats de la recherche' }).waitFor();
    await row(page, 'Sortie de l’').waitFor();
    // Saved in the browser: still there after a reload.
    await page.reload();
    await nav.getByRole('button', { name: 'Supprimer la recherche « ecole »' }).click();
    expect(await nav.getByRole('link', { name: 'ecole' }).count()).toBe(0);
  });

  it('works from the keyboard: shortcuts, their list in a dialog, the list moved with j and k', async () => {
    await openMail(page);
    await row(page, 'Réunion de rentrée').waitFor();
    await page.locator('.mail-row__button').first().focus();
    const focusedIndex = () =>
      page.evaluate(() => document.activeElement?.closest('[data-index]')?.getAttribute('data-index'));
    await expect.poll(focusedIndex).toBe('0');
    await page.keyboard.press('j');
    await expect.poll(focusedIndex).toBe('1');
    await page.keyboard.press('k');
    await expect.poll(focusedIndex).toBe('0');
    await page.keyboard.press('Enter');
    await page.getByRole('toolbar', { name: 'Actions sur le message' }).waitFor();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Raccourcis clavier' });
    await dialog.waitFor();
    expect(await dialog.getByRole('row').count()).toBeGreaterThan(10);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    await page.keyboard.press('r');
    const composer = page.locator('form.composer');
    await expect.poll(() => composer.getByLabel('Objet').inputValue()).toMatch(/^Re: /);
    await page.keyboard.press('Escape');
    await expect.poll(() => composer.count()).toBe(0);
    // Closing gives focus back to the open message's row (after a frame): wait for it, then "/".
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('.mail-row') !== null))
      .toBe(true);
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('search');
  });

  it('passes axe on the reader, search and composer in English with the dark theme, and at 360 px', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openMail(page);
    await row(page, 'Réunion de rentrée').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Inbox' }).waitFor();
    await row(page, 'Réunion de rentrée').getByRole('button').click();
    await page.getByRole('toolbar', { name: 'Message actions' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-reader-en-dark-1440');
    const search = page.getByRole('search', { name: 'Search messages' });
    await search.getByRole('searchbox', { name: 'Words to search for' }).fill('réunion');
    await search.getByRole('button', { name: 'Filters' }).click();
    await search.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('heading', { level: 2, name: 'Search results' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-search-en-dark-1440');
    await page.getByRole('button', { name: 'New message' }).click();
    await page.locator('form.composer').getByLabel('Subject').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-compose-en-dark-1440');
    await page.setViewportSize({ width: 360, height: 740 });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-compose-en-dark-360');
    await page.getByRole('button', { name: 'Français' }).click();
  });

  it('downloads an attachment byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256));
    const file = join(tmpdir(), `releve-${process.pid}.bin`);
    writeFileSync(file, bytes);
    await deliver(camille.address, 'Relevé joint', [
      '--from',
      'parent@example.org',
      '--body',
      'Voici le relevé.',
      '--attach-type',
      'application/octet-stream',
      '--attach-name',
      'relevé de notes.bin',
      '--attach',
      `@${file}`,
    ]);
    await openMail(page);
    await row(page, 'Relevé joint').getByRole('button').click();
    const link = page.getByRole('link', { name: 'relevé de notes.bin' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('relevé de notes.bin');
    const saved = readFileSync((await download.path()) as string);
    expect(createHash('sha256').update(saved).digest('hex')).toBe(
      createHash('sha256').update(bytes).digest('hex'),
    );
  });

  it('previews an image, a PDF and a text attachment in a dialog', async () => {
    const dir = tmpdir();
    const files = {
      png: join(dir, `photo-${process.pid}.png`),
      pdf: join(dir, `bulletin-${process.pid}.pdf`),
      txt: join(dir, `liste-${process.pid}.txt`),
    };
    writeFileSync(files.png, solidPng(40, 20, [200, 30, 30]));
    writeFileSync(files.pdf, textPdf('Bulletin trimestriel'));
    writeFileSync(files.txt, 'Liste des élèves\nÉlodie;Noé\n');
    const attach = (type: string, name: string, file: string) => [
      '--attach-type',
      type,
      '--attach-name',
      name,
      '--attach',
      `@${file}`,
    ];
    await deliver(camille.address, 'Pièces à regarder', [
      '--from',
      'parent@example.org',
      '--body',
      'Trois pièces jointes.',
      ...attach('image/png', 'photo.png', files.png),
      ...attach('application/pdf', 'bulletin.pdf', files.pdf),
      ...attach('text/plain; charset=utf-8', 'liste.txt', files.txt),
    ]);
    await openMail(page);
    await row(page, 'Pièces à regarder').getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: 'Pièces à regarder' }).waitFor();
    // The image's thumbnail is drawn in the list of attachments.
    await expect
      .poll(() => page.locator('img.reader__thumbnail').evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBe(40);

    const open = page.getByRole('button', { name: 'Aperçu de « photo.png »' });
    await open.click();
    const image = page.getByRole('dialog', { name: 'photo.png' });
    await expect
      .poll(() =>
        image.getByRole('img', { name: 'photo.png' }).evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(40);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => image.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Aperçu de « photo.png »',
    );

    await page.getByRole('button', { name: 'Aperçu de « bulletin.pdf »' }).click();
    const pdf = page.getByRole('dialog', { name: 'bulletin.pdf' });
    // pdf.js drew the page (dark pixels of the text on white) and gave its text to screen readers.
    await expect
      .poll(() => pdf.locator('#pdf-text').textContent(), { timeout: 20_000 })
      .toContain('Bulletin trimestriel');
    const dark = await pdf.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
      let count = 0;
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 255) < 100) count++;
      return count;
    });
    expect(dark).toBeGreaterThan(100);
    expect(await pdf.getByRole('img', { name: 'Page 1 sur 1 de « bulletin.pdf »' }).count()).toBe(1);
    await screenshot(page, 'webmail-preview-pdf-fr-1440');
    expect(await axeViolations(page)).toEqual([]);
    await pdf.getByRole('button', { name: 'Fermer' }).click();

    await page.getByRole('button', { name: 'Aperçu de « liste.txt »' }).click();
    const text = page.getByRole('dialog', { name: 'liste.txt' });
    await expect.poll(() => text.locator('pre').textContent()).toBe('Liste des élèves\nÉlodie;Noé\n');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('passes axe in English and in the dark theme, and fits a 360 px phone', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await openMail(page);
    await row(page, 'Réunion de rentrée').waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 2, name: 'Inbox' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'webmail-list-en-dark-1440');
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('button', { name: 'Français' }).click();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('heading', { level: 2, name: 'Boîte de réception' }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'webmail-list-fr-360');
    expect(await axeViolations(page)).toEqual([]);
    // On a phone the reader takes the screen, with a way back.
    await row(page, 'Réunion de rentrée').getByRole('button').click();
    await page.getByRole('heading', { level: 2, name: 'Réunion de rentrée' }).waitFor();
    expect(await page.locator('.mail__list').isVisible()).toBe(false);
    await screenshot(page, 'webmail-reader-fr-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Retour à la liste' }).click();
    await row(page, 'Réunion de rentrée').waitFor();
    // Search on a phone: the form opens on demand, with its filters, and the results fit.
    await page.getByRole('button', { name: 'Rechercher', exact: true }).first().click();
    const search = page.getByRole('search', { name: 'Rechercher dans les messages' });
    await search.getByRole('searchbox', { name: 'Mots à rechercher' }).fill('réunion');
    await search.getByRole('button', { name: 'Filtres' }).click();
    await search.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('heading', { level: 2, name: 'Résultats de la recherche' }).waitFor();
    await row(page, 'Réunion de rentrée').waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await screenshot(page, 'webmail-search-fr-360');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Rechercher', exact: true }).first().click();
    await page.getByRole('button', { name: 'Effacer la recherche' }).click();
    await page.getByRole('button', { name: 'Dossiers' }).click();
    await page
      .getByRole('navigation', { name: 'Dossiers' })
      .getByRole('link', { name: /Envoyés/ })
      .click();
    await page.getByRole('heading', { level: 2, name: 'Envoyés' }).waitFor();
  });
});

describe('hostile mail', () => {
  const files = readdirSync(HOSTILE_DIR)
    .filter((f) => f.endsWith('.html'))
    .sort();

  it('has a corpus of at least 40 messages, whose canaries do fire when nothing stops them', async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    // The same listener as below, on a bare page showing message 01 unsanitized: it must hear.
    const bare = await context.newPage();
    await bare.addInitScript(() => {
      const seen: unknown[] = [];
      (window as unknown as { canaries: unknown[] }).canaries = seen;
      window.addEventListener('message', (event) => seen.push(event.data));
    });
    await bare.route('**/*', (route) => route.abort());
    await bare.route('http://bare.test/', (route) =>
      route.fulfill({ contentType: 'text/html', body: readFileSync(join(HOSTILE_DIR, files[0] as string)) }),
    );
    await bare.goto('http://bare.test/');
    await expect
      .poll(() => bare.evaluate(() => (window as unknown as { canaries: unknown[] }).canaries))
      .toContain('facteur-canary-01');
  });

  it('runs no script and sends no request to a remote host, until remote content is allowed', async () => {
    // A mailbox of its own: the corpus would push the other tests' messages out of view.
    const hugo = await activateUser(server, browser, 'Hugo', 'Bernard', PASSWORD);
    await context.close();
    context = await browser.newContext({
      locale: 'fr-FR',
      viewport: { width: 1440, height: 900 },
      storageState: hugo.state,
    });
    page = await context.newPage();
    consoleErrors = collectConsoleErrors(page);
    // Four at a time: delivery order does not matter, the subjects say which is which.
    const queue = [...files];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
          await deliver(hugo.address, `Hostile ${file.slice(0, 2)}`, htmlMessage(join(HOSTILE_DIR, file)));
        }
      }),
    );
    const remote: string[] = [];
    const dialogs: string[] = [];
    // Every request the browser really sends for a host other than ours is recorded, then refused.
    await context.route(
      (url) => url.hostname !== '127.0.0.1',
      (route) => {
        remote.push(route.request().url());
        return route.abort();
      },
    );
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.addInitScript(() => {
      const seen: unknown[] = [];
      (window as unknown as { canaries: unknown[] }).canaries = seen;
      window.addEventListener('message', (event) => seen.push(event.data));
    });
    await openMail(page);
    // Newest first, as the list shows them.
    for (const file of [...files].reverse()) {
      const number = file.slice(0, 2);
      await (await findRow(page, `Hostile ${number}`)).getByRole('button').click();
      await page.getByRole('heading', { level: 2, name: `Hostile ${number}` }).waitFor();
      const frame = page.frameLocator('iframe.reader__frame');
      await expect
        .poll(() => frame.locator('body').textContent(), { message: file })
        .toContain(`Contenu légitime ${number}`);
      // Give payloads (timers, animations, autofocus, meta refresh) time to fire.
      await page.waitForTimeout(100);
      const active = await frame
        .locator('script, iframe, frame, object, embed, form, base, link, meta[http-equiv="refresh"]')
        .evaluateAll((elements) => elements.map((e) => e.outerHTML.slice(0, 200)));
      expect(active, file).toEqual([]);
      expect(page.url(), file).toContain('/courrier');
    }
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { canaries: unknown[] }).canaries)).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(remote).toEqual([]);
    await screenshot(page, 'webmail-hostile-fr-1440');

    // Allowing remote content for the tracking-pixel message does let its image load: the check
    // above could see a request had one left.
    const pixel = files.find((f) => /tracking-pixel/.test(f));
    expect(pixel).toBeDefined();
    const number = (pixel as string).slice(0, 2);
    await (await findRow(page, `Hostile ${number}`)).getByRole('button').click();
    // The reader of this message, not the one before it (whose banner may still be shown).
    await page.getByRole('heading', { level: 2, name: `Hostile ${number}` }).waitFor();
    await expect
      .poll(() => page.frameLocator('iframe.reader__frame').locator('body').textContent())
      .toContain(`Contenu légitime ${number}`);
    await page.getByRole('button', { name: 'Afficher pour ce message' }).click();
    await expect.poll(() => remote.some((url) => url.includes('canary.test'))).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { canaries: unknown[] }).canaries)).toEqual([]);
  }, 240_000);
});
