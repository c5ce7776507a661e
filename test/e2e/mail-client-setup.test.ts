/**
 * The "Configurer ma messagerie" page in a real browser against `facteur serve`: reached from the
 * home page, it shows what /api/client-settings returns, and those are the ports the server really
 * listens on (each answers with its protocol's greeting); a value is copied and the copy confirmed
 * in the live region; the Apple profile downloads as a plist naming the IMAP port; axe-core finds
 * nothing in French or English; screenshots at 1440×900 and 360×740, without horizontal scrolling.
 */
import { readFileSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as connectTls } from 'node:tls';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ClientSettings } from '../../common/api.js';
import { userAddArgs } from '../helpers/cli-args.js';
import { run } from '../helpers/clients.js';
import {
  assertBuilt,
  axeViolations,
  collectConsoleErrors,
  launchBrowser,
  SCREENSHOTS,
  type ServerProcess,
  screenshot,
  startServerProcess,
} from './browser.js';

const PASSWORD = 'Boussole-Ardoise-Orge-73!';
const PAGE_PATH = '/parametres/logiciel-de-messagerie';

let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let consoleErrors: string[];
let user: { identifier: string; address: string };

beforeAll(async () => {
  assertBuilt();
  server = await startServerProcess();
  browser = await launchBrowser();
  const added = server.cli(...userAddArgs('Sylvie', 'Dupont', '--json'));
  expect(added.code).toBe(0);
  const created = JSON.parse(added.stdout) as {
    identifier: string;
    address: string;
    provisionalPassword: string;
  };
  user = created;
  // The provisional password is replaced once here, so that every test signs straight in.
  const first = await browser.newContext({ locale: 'fr-FR' });
  const firstPage = await first.newPage();
  await firstPage.goto(server.baseUrl);
  await fillSignIn(firstPage, created.identifier, created.provisionalPassword);
  await firstPage.getByLabel('Mot de passe actuel').fill(created.provisionalPassword);
  await firstPage.getByLabel('Nouveau mot de passe', { exact: true }).fill(PASSWORD);
  await firstPage.getByLabel('Confirmer le nouveau mot de passe').fill(PASSWORD);
  await firstPage.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await firstPage.getByRole('heading', { name: /Bonjour Sylvie/ }).waitFor();
  await first.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

beforeEach(async () => {
  context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  consoleErrors = collectConsoleErrors(page);
});

afterEach(async () => {
  expect(consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
  await context.close();
});

async function fillSignIn(target: Page, login: string, password: string) {
  await target.getByLabel('Identifiant ou adresse électronique').fill(login);
  await target.getByLabel('Mot de passe', { exact: true }).fill(password);
  await target.getByRole('button', { name: 'Se connecter' }).click();
}

/** Signs in on the home page and follows its link to the set-up page. */
async function openSetupPage() {
  await page.goto(server.baseUrl);
  await fillSignIn(page, user.identifier, PASSWORD);
  await page.getByRole('link', { name: 'Configurer ma messagerie' }).click();
  await page.getByRole('heading', { level: 1, name: 'Configurer ma messagerie' }).waitFor();
  // The values come from a second request: wait for them.
  await page.getByRole('heading', { name: 'Serveur de réception (IMAP)' }).waitFor();
}

async function clientSettings(): Promise<ClientSettings> {
  return page.evaluate(() => fetch('/api/client-settings').then((r) => r.json()));
}

/** The description list under a server heading, as { term: value }. */
async function serverValues(heading: string): Promise<Record<string, string>> {
  const section = page.getByRole('region', { name: heading });
  return section.locator('dl').evaluate((dl) => {
    const values: Record<string, string> = {};
    for (const row of Array.from(dl.children)) {
      const term = row.querySelector('dt')?.textContent ?? '';
      values[term] = row.querySelector('dd .server__value')?.textContent ?? '';
    }
    return values;
  });
}

/** The first line a server sends on connection, in the clear or over TLS (self-signed certificate). */
function greeting(port: number, tls: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? connectTls({ host: '127.0.0.1', port, rejectUnauthorized: false })
      : connectTcp({ host: '127.0.0.1', port });
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error(`no greeting on port ${port}`)));
    socket.on('data', (chunk) => {
      received += String(chunk);
      const end = received.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(received.slice(0, end));
      }
    });
    socket.on('error', reject);
  });
}

const noHorizontalScroll = () =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

describe('the mail client set-up page', () => {
  it('is reached from the home page, moves focus to its heading, and works with Back and reload', async () => {
    await openSetupPage();
    expect(new URL(page.url()).pathname).toBe(PAGE_PATH);
    await expect.poll(() => page.title()).toBe('Configurer ma messagerie – Messagerie – Académie de Test');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Configurer ma messagerie');
    const breadcrumb = page.getByRole('navigation', { name: 'Fil d’Ariane' });
    expect(await breadcrumb.getByRole('link').textContent()).toBe('Accueil');

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Configurer ma messagerie' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: /Bonjour Sylvie/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Configurer ma messagerie' }).waitFor();
    await breadcrumb.getByRole('link', { name: 'Accueil' }).click();
    await page.getByRole('heading', { name: /Bonjour Sylvie/ }).waitFor();

    // Opened directly while signed out: the sign-in form, then the page itself.
    await context.clearCookies();
    await page.goto(`${server.baseUrl}${PAGE_PATH}`);
    await fillSignIn(page, user.address, PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'Configurer ma messagerie' }).waitFor();
  });

  it('shows the values of /api/client-settings, and those are the ports the server listens on', async () => {
    await openSetupPage();
    const settings = await clientSettings();
    const imapTls = settings.imap.find((e) => e.security === 'tls');
    const imapStarttls = settings.imap.find((e) => e.security === 'starttls');
    const smtpTls = settings.smtp.find((e) => e.security === 'tls');
    const smtpStarttls = settings.smtp.find((e) => e.security === 'starttls');
    if (!imapTls || !imapStarttls || !smtpTls || !smtpStarttls) throw new Error('an endpoint is missing');

    expect(await serverValues('Serveur de réception (IMAP)')).toEqual({
      Serveur: settings.hostname,
      Port: String(imapTls.port),
      'Sécurité de la connexion': 'SSL/TLS',
      'Nom d’utilisateur': user.address,
      Authentification: 'Mot de passe normal',
    });
    expect(await serverValues('Serveur d’envoi (SMTP)')).toEqual({
      Serveur: settings.hostname,
      Port: String(smtpTls.port),
      'Sécurité de la connexion': 'SSL/TLS',
      'Nom d’utilisateur': user.address,
      Authentification: 'Mot de passe normal',
    });
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toContain(
      `Si votre logiciel ne propose pas SSL/TLS : port ${imapStarttls.port} avec STARTTLS.`,
    );
    expect(main).toContain(
      `Si votre logiciel ne propose pas SSL/TLS : port ${smtpStarttls.port} avec STARTTLS.`,
    );
    expect(settings.hostname).toBe('mail.ac-test.fr');

    // The server was started on port 0: these are the ports it bound, and each speaks its protocol.
    expect(await greeting(imapTls.port, true)).toMatch(/^\* OK/);
    expect(await greeting(imapStarttls.port, false)).toMatch(/^\* OK/);
    expect(await greeting(smtpTls.port, true)).toMatch(/^220 /);
    expect(await greeting(smtpStarttls.port, false)).toMatch(/^220 /);
    expect(new Set([imapTls.port, imapStarttls.port, smtpTls.port, smtpStarttls.port]).size).toBe(4);
    await screenshot(page, 'mail-setup-fr-1440');
  });

  it('copies a value to the clipboard, by mouse and by keyboard, and says so in a live region', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
    await openSetupPage();
    const settings = await clientSettings();
    const port = String(settings.imap.find((e) => e.security === 'tls')?.port);
    const status = page.locator('#setup-announcement');
    expect(await status.getAttribute('role')).toBe('status');
    expect(await status.textContent()).toBe('');

    await page.getByRole('button', { name: 'Copier le port du serveur de réception' }).click();
    await expect.poll(() => status.textContent()).toBe(`Copié dans le presse-papiers : ${port}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(port);
    expect(await page.getByRole('region', { name: 'Serveur de réception (IMAP)' }).textContent()).toContain(
      'Copié',
    );

    // Keyboard only: Tab reaches the next button, Enter copies; the same value twice is announced again.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent);
    expect(focused).toBe('Copier le nom d’utilisateur du serveur de réception');
    await page.keyboard.press('Enter');
    await expect.poll(() => status.textContent()).toBe(`Copié dans le presse-papiers : ${user.address}`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(user.address);
    await screenshot(page, 'mail-setup-fr-1440-copied');
    await page.keyboard.press('Space');
    await expect
      .poll(() => status.textContent())
      .toBe(`Copié dans le presse-papiers : ${user.address}\u00a0`);
  });

  it('selects the value and says how to copy it when the browser refuses to copy', async () => {
    await context.addInitScript(() => {
      Object.defineProperty(navigator, 'clipboard', {
        value: { writeText: () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
      });
      document.execCommand = () => false;
    });
    await openSetupPage();
    await page.getByRole('button', { name: 'Copier le nom du serveur d’envoi' }).click();
    await expect
      .poll(() => page.locator('#setup-announcement').textContent())
      .toBe(
        'La copie n’a pas fonctionné. La valeur est sélectionnée : copiez-la avec Ctrl+C (Cmd+C sur Mac).',
      );
    expect(await page.evaluate(() => window.getSelection()?.toString())).toBe('mail.ac-test.fr');
    expect(await page.locator('.copy-button__done').count()).toBe(0);
  });

  it('says when the values cannot be loaded, and loads them on retry', async () => {
    await page.route('**/api/client-settings', (route) => route.abort('connectionrefused'));
    await page.goto(server.baseUrl);
    await fillSignIn(page, user.identifier, PASSWORD);
    await page.getByRole('link', { name: 'Configurer ma messagerie' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Les réglages n’ont pas pu être chargés');
    expect(await alert.textContent()).toContain('Le serveur est injoignable.');
    // The rest of the page does not depend on these values.
    await page.getByRole('link', { name: /Télécharger le profil de configuration/ }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.unroute('**/api/client-settings');
    await page.getByRole('button', { name: 'Réessayer' }).click();
    await page.getByRole('heading', { name: 'Serveur de réception (IMAP)' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
  });

  it('offers the Apple profile: a plist naming the IMAP and submission ports, for this address', async () => {
    await openSetupPage();
    const settings = await clientSettings();
    const link = page.getByRole('link', { name: /Télécharger le profil de configuration/ });
    const href = (await link.getAttribute('href')) ?? '';
    expect(href).toBe(`/apple/mail.mobileconfig?emailaddress=${encodeURIComponent(user.address)}`);

    const response = await page.request.get(`${server.baseUrl}${href}`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('application/x-apple-aspen-config');
    // The size announced in the link text ("3 ko") stays honest.
    expect((await response.body()).length).toBeLessThan(3 * 1024);

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('messagerie.mobileconfig');
    const path = await download.path();
    const parsed = await run(
      'python3',
      [
        '-c',
        `import sys, json, plistlib
p = plistlib.loads(sys.stdin.buffer.read())
a = p['PayloadContent'][0]
print(json.dumps(dict(type=p['PayloadType'], address=a['EmailAddress'], host=a['IncomingMailServerHostName'],
  imap=a['IncomingMailServerPortNumber'], ssl=a['IncomingMailServerUseSSL'], smtp=a['OutgoingMailServerPortNumber'])))`,
      ],
      readFileSync(path),
    );
    expect(parsed.stderr).toBe('');
    expect(JSON.parse(parsed.stdout)).toEqual({
      type: 'Configuration',
      address: user.address,
      host: settings.hostname,
      imap: settings.imap.find((e) => e.security === 'tls')?.port,
      ssl: true,
      smtp: settings.smtp.find((e) => e.security === 'tls')?.port,
    });
  });
});

describe('accessibility of the mail client set-up page', () => {
  it('has no axe-core violation in French nor in English, a copy mark shown, at 1440 and 360 px', async () => {
    await openSetupPage();
    const headings = await page.evaluate(() =>
      Array.from(document.querySelectorAll('main h1, main h2, main h3')).map(
        (h) => `${h.tagName} ${h.textContent}`,
      ),
    );
    expect(headings).toEqual([
      'H1 Configurer ma messagerie',
      'H2 Thunderbird et Outlook',
      'H2 iPhone, iPad et Mac',
      'H2 Réglages manuels',
      'H3 Serveur de réception (IMAP)',
      'H3 Serveur d’envoi (SMTP)',
      'H2 Mot de passe',
    ]);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up my mail app' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect.poll(() => page.title()).toBe('Set up my mail app – Webmail – Académie de Test');
    await page.getByRole('button', { name: 'Copy the outgoing server name' }).click();
    await page.getByText('Copied to the clipboard: mail.ac-test.fr').waitFor({ state: 'attached' });
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'mail-setup-en-1440');

    await page.setViewportSize({ width: 360, height: 740 });
    expect(await noHorizontalScroll()).toBe(0);
    await screenshot(page, 'mail-setup-en-360');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Français' }).click();
    await page.getByRole('heading', { level: 1, name: 'Configurer ma messagerie' }).waitFor();
    expect(await noHorizontalScroll()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'mail-setup-fr-360');
    // WCAG 1.4.10 reflow is judged at 320 CSS pixels.
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await noHorizontalScroll()).toBe(0);
    await page.setViewportSize({ width: 360, height: 740 });
    // Focus is visible on a copy button reached from the keyboard.
    await page.getByRole('button', { name: 'Copier le nom du serveur d’envoi' }).focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const active = document.activeElement as HTMLElement;
      const style = getComputedStyle(active);
      return { text: active.textContent, outline: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline).toEqual({
      text: 'Copier le nom du serveur d’envoi',
      outline: 'solid',
      width: '3px',
    });
    await page.getByRole('button', { name: 'Copier le nom du serveur d’envoi' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'mail-setup-fr-360-focus.png') });

    // The dark theme keeps its contrasts.
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await axeViolations(page)).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    await screenshot(page, 'mail-setup-fr-1440-dark');
  });

  it('shows the link on the home page at 360 px without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(server.baseUrl);
    await fillSignIn(page, user.identifier, PASSWORD);
    await page.getByRole('link', { name: 'Configurer ma messagerie' }).waitFor();
    expect(await noHorizontalScroll()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'home-fr-360');
  });
});
