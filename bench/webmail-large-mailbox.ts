/**
 * The webmail on a large mailbox, in Chromium (issue 5's benchmark): one account with M messages
 * (default 50 000) in its Inbox; measured in a real browser driving the built web client against
 * `facteur serve`:
 * - first list render: from the navigation to /courrier (signed in, cold browser cache) until the
 *   first row of the list is on screen — what a user sees after signing in;
 * - open a message: from the click on a row until its body is shown in the reader's frame;
 * - full-text search: from submitting a word until the results' first row and count are shown;
 * - jump to the middle: scrolling the list to message M/2 until its rows are loaded (no placeholder).
 * Each figure is the median (and max) of R runs (default 7). Also prints the JavaScript transferred
 * before the list shows (the server sends the build's brotli files).
 *
 * Method: messages are SpamAssassin corpus copies stored through the delivery path before the server
 * starts (bench/imap-fill.ts); SQLite; Chromium is Debian's, headless, 1440×900, on the same two
 * cores as the server. No peer: Roundcube and SOGo need PHP/Objective-C stacks not installed here.
 *
 * Needs: npm run build
 * Run:  npx tsx bench/webmail-large-mailbox.ts [messages=50000] [runs=7]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/e2e/browser.js';
import { BENCH_PASSWORD, CHEAP_ARGON2, createBenchAccounts } from './accounts.js';
import { fillFacteur } from './imap-fill.js';
import { facteurBuild, loadCorpusMessages, median, spawnOfflineServer } from './lib.js';

const [MESSAGES = 50_000, RUNS = 7] = process.argv
  .slice(2)
  .filter((a) => /^\d+$/.test(a))
  .map(Number);
const DOMAIN = 'ac-test.fr';
const SEARCH_WORDS = ['money', 'software', 'meeting', 'mortgage', 'linux', 'free', 'click'];

const root = mkdtempSync(join(tmpdir(), 'facteur-webmail-bench-'));
const dataDir = join(root, 'facteur');
let server: Awaited<ReturnType<typeof spawnOfflineServer>> | undefined;
const browser = await launchBrowser();

const fmt = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;

async function timed(action: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await action();
  return performance.now() - t0;
}

try {
  const corpus = await loadCorpusMessages();
  const accounts = await createBenchAccounts({ dataDir, domain: DOMAIN, count: 1, passwordChosen: true });
  const address = accounts.addresses[0] as string;
  const filled = await fillFacteur({
    dataDir,
    env: { FACTEUR_DOMAIN: DOMAIN, ...CHEAP_ARGON2 },
    corpus,
    fills: [{ address, first: 0, count: MESSAGES }],
    analyzeAt: 5000,
    onProgress: (done) => process.stderr.write(`\rfilled ${done}`),
  });
  process.stderr.write('\n');
  server = await spawnOfflineServer({ FACTEUR_DOMAIN: DOMAIN, ...CHEAP_ARGON2 }, dataDir);
  const base = `http://127.0.0.1:${server.httpPort}`;
  console.log(
    `Webmail in Chromium, one Inbox of ${MESSAGES} messages (fill ${filled.seconds.toFixed(0)} s), ${RUNS} runs each; Facteur ${facteurBuild()}\n`,
  );

  // Signed in once; each run is a new context (cold cache) carrying the session cookie.
  const signInContext = await browser.newContext();
  const signInPage = await signInContext.newPage();
  await signInPage.goto(base);
  await signInPage.getByLabel('Identifiant ou adresse électronique').fill(address);
  await signInPage.getByLabel('Mot de passe', { exact: true }).fill(BENCH_PASSWORD);
  await signInPage.getByRole('button', { name: 'Se connecter' }).click();
  await signInPage.getByRole('heading', { name: /Bonjour/ }).waitFor();
  const state = await signInContext.storageState();
  await signInContext.close();

  const firstRender: number[] = [];
  const open: number[] = [];
  const search: number[] = [];
  const jump: number[] = [];
  let jsBytes = 0;
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({
      storageState: state,
      viewport: { width: 1440, height: 900 },
      locale: 'fr-FR',
    });
    const page: Page = await context.newPage();
    let js = 0;
    page.on('response', async (response) => {
      if (response.url().endsWith('.js')) js += Number((await response.headerValue('content-length')) ?? 0);
    });
    firstRender.push(
      await timed(async () => {
        await page.goto(`${base}/courrier`);
        await page.locator('.mail-row__button').first().waitFor();
      }),
    );
    if (run === 0) jsBytes = js;
    const row = page.locator('.mail-row__button').nth(run % 5);
    open.push(
      await timed(async () => {
        await row.click();
        await page.waitForFunction(() => {
          const frame = document.querySelector<HTMLIFrameElement>('iframe.reader__frame');
          return (frame?.srcdoc.length ?? 0) > 0;
        });
      }),
    );
    const word = SEARCH_WORDS[run % SEARCH_WORDS.length] as string;
    search.push(
      await timed(async () => {
        await page.getByRole('searchbox', { name: 'Mots à rechercher' }).fill(word);
        await page.getByRole('button', { name: 'Rechercher', exact: true }).click();
        await page.getByRole('heading', { level: 2, name: 'Résultats de la recherche' }).waitFor();
        await page.locator('.mail-row__button').first().waitFor();
      }),
    );
    await page.getByRole('button', { name: 'Effacer la recherche' }).click();
    await page.locator('.mail-row__button').first().waitFor();
    jump.push(
      await timed(async () => {
        await page
          .locator('.mail-list__scroll')
          .evaluate((el, middle) => el.scrollTo(0, middle * 80), Math.floor(MESSAGES / 2));
        await page.waitForFunction(
          () =>
            document.querySelectorAll('.mail-row__placeholder').length === 0 &&
            document.querySelectorAll('.mail-row__button').length > 0,
        );
      }),
    );
    await context.close();
  }
  console.log(`  first list render after sign-in: ${fmt(firstRender)}`);
  console.log(`  open a message:                  ${fmt(open)}`);
  console.log(`  full-text search (one word):     ${fmt(search)}`);
  console.log(`  jump to message ${MESSAGES / 2}:          ${fmt(jump)}`);
  console.log(`  JavaScript transferred before the list: ${(jsBytes / 1000).toFixed(1)} kB (brotli)`);
} finally {
  await browser.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
console.log('\nreproduce: npm run build && npx tsx bench/webmail-large-mailbox.ts [messages=50000] [runs=7]');
