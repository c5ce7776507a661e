/**
 * Browser and server plumbing for the end-to-end tests: Debian's Chromium driven by playwright-core,
 * and the built `facteur` command run as a real process on a fresh data directory.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { userAddArgs } from '../helpers/cli-args.js';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function assertBuilt(): void {
  for (const path of ['dist/src/cli/main.js', 'dist/web/index.html']) {
    if (!existsSync(join(ROOT, path)))
      throw new Error(`${path} is missing: run npm run build before the e2e tests`);
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

export interface ServerProcess {
  baseUrl: string;
  dataDir: string;
  /** What `facteur serve` printed on stderr (the administrator banner). */
  banner: string;
  env: Record<string, string>;
  cli(...args: string[]): { code: number; stdout: string; stderr: string };
  stop(): Promise<void>;
}

/** `facteur serve` as an operator runs it, on a free port and a fresh data directory. */
export async function startServerProcess(env: Record<string, string> = {}): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'facteur-e2e-'));
  const fullEnv: Record<string, string> = {
    FACTEUR_DATA_DIR: dataDir,
    FACTEUR_DOMAIN: 'ac-test.fr',
    FACTEUR_HTTP_PORT: '0',
    FACTEUR_SMTP_PORT: '0',
    FACTEUR_SUBMISSION_PORT: '0',
    FACTEUR_SUBMISSIONS_PORT: '0',
    FACTEUR_IMAP_PORT: '0',
    FACTEUR_IMAPS_PORT: '0',
    FACTEUR_LISTEN_HOST: '127.0.0.1',
    FACTEUR_INSTITUTION_NAME: 'Académie de Test',
    FACTEUR_LOG_LEVEL: 'warn',
    FACTEUR_ARGON2_MEMORY_KIB: '4096',
    FACTEUR_ARGON2_TIME_COST: '1',
    ...env,
  };
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin/facteur.js'), 'serve'], {
    env: { ...process.env, ...fullEnv },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      banner += String(chunk);
      const match = /ready on http:\/\/localhost:(\d+)/.exec(banner);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`facteur serve exited with ${code}: ${banner}`)));
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    banner,
    env: fullEnv,
    cli(...args) {
      // The real command, through npx and the package's bin, on the data directory the server uses.
      const result = spawnSync('npx', ['--no-install', 'facteur', ...args], {
        cwd: ROOT,
        env: { ...process.env, ...fullEnv },
        encoding: 'utf8',
      });
      return { code: result.status ?? -1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs axe-core in the page and returns its violations (id, impact, targets). */
export async function axeViolations(page: Page) {
  // Evaluated through the DevTools protocol: a <script> tag would be refused by our own CSP.
  await page.evaluate(readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected at run time
    const axe = (window as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
}

/** Collects console errors, so a test can assert that nothing broke the Content-Security-Policy. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

export interface ActiveUser {
  identifier: string;
  address: string;
  /** The signed-in session's cookies, for `browser.newContext({ storageState })`. */
  state: Awaited<ReturnType<BrowserContext['storageState']>>;
}

/**
 * A user created with the CLI who signed in once through the portal and chose `password`, so that
 * tests start signed in (the provisional password must be changed at first sign-in).
 */
export async function activateUser(
  server: ServerProcess,
  browser: Browser,
  first: string,
  last: string,
  password: string,
): Promise<ActiveUser> {
  const added = server.cli(...userAddArgs(first, last, '--json'));
  if (added.code !== 0) throw new Error(`user add failed: ${added.stderr}`);
  const user = JSON.parse(added.stdout) as {
    identifier: string;
    address: string;
    provisionalPassword: string;
  };
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(server.baseUrl);
  await signInThroughPortal(page, user.identifier, user.provisionalPassword);
  await page.getByLabel('Mot de passe actuel').fill(user.provisionalPassword);
  await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
  await page.getByLabel('Confirmer le nouveau mot de passe').fill(password);
  await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
  await page.getByRole('heading', { name: new RegExp(`Bonjour ${first}`) }).waitFor();
  const state = await context.storageState();
  await context.close();
  return { identifier: user.identifier, address: user.address, state };
}

/**
 * A new French browser context on `url`, signed in as `user` when given (its cookies), with its
 * console errors collected.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: {
    user?: ActiveUser;
    viewport?: { width: number; height: number };
    colorScheme?: 'light' | 'dark';
  } = {},
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: options.viewport ?? { width: 1440, height: 900 },
    ...(options.colorScheme ? { colorScheme: options.colorScheme } : {}),
    ...(options.user ? { storageState: options.user.state } : {}),
  });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(url);
  return { context, page, errors };
}

/** Signs in through the portal's form, on a page showing it. */
export async function signInThroughPortal(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('Identifiant ou adresse électronique').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}
