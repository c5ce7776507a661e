/**
 * JMAP latency under concurrent users (issue 5's benchmark): each of U signed-in users (default 20)
 * loops on one request holding what the webmail sends to show a mailbox page: Email/query of the
 * 50 newest messages and Email/get of them by result reference (the list-view properties), for S
 * seconds (default 20). Prints requests/s, latency median, p95 and p99, and the server's CPU per
 * request. No peer: Dovecot, Postfix and Radicale do not speak JMAP (Stalwart and Cyrus would, and
 * are not in Debian 12).
 *
 * Method: U accounts with M messages each (default 2 000, SpamAssassin corpus copies, stored in
 * process through the delivery path before the server starts: bench/imap-fill.ts); the server is
 * `facteur serve` (bench/serve-offline.mjs) on SQLite; each user signs in through the portal API
 * (`/api/session`, CSRF double-submit) and then keeps exactly one request in flight (a closed loop,
 * as a browser tab does); 2 s of warm-up are not counted. The client runs in this process (Node's
 * fetch) and shares the 2 cores with the server measured.
 *
 * Needs: npm run build:server
 * Run:  npx tsx bench/jmap-latency.ts [users=20] [messages=2000] [--seconds=20]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, CHEAP_ARGON2, createBenchAccounts } from './accounts.js';
import { fillFacteur } from './imap-fill.js';
import {
  facteurBuild,
  loadCorpusMessages,
  median,
  percentile,
  processTree,
  spawnOfflineServer,
} from './lib.js';

const args = process.argv.slice(2);
const positional = args.filter((a) => /^\d+$/.test(a)).map(Number);
const USERS = positional[0] ?? 20;
const MESSAGES = positional[1] ?? 2000;
const SECONDS = Number(args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 20);
const WARM_UP_MS = 2000;
const DOMAIN = 'ac-test.fr';
const LIST_PROPERTIES = [
  'threadId',
  'mailboxIds',
  'keywords',
  'from',
  'subject',
  'receivedAt',
  'preview',
  'hasAttachment',
  'size',
];

const root = mkdtempSync(join(tmpdir(), 'facteur-jmap-latency-'));
const dataDir = join(root, 'facteur');
let server: Awaited<ReturnType<typeof spawnOfflineServer>> | undefined;

/** A signed-in web client: session and CSRF cookies, as the browser holds them. */
async function signIn(
  base: string,
  login: string,
): Promise<{ cookie: string; csrf: string; accountId: string }> {
  const cookies = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      cookies.set(name.trim(), value.trim());
    }
  };
  const header = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  keep(await fetch(`${base}/api/portal`));
  const csrf = cookies.get('facteur_csrf') ?? '';
  const signedIn = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: header(), 'x-csrf-token': csrf },
    body: JSON.stringify({ login, password: BENCH_PASSWORD }),
  });
  if (signedIn.status !== 200) throw new Error(`sign-in of ${login}: ${signedIn.status}`);
  keep(signedIn);
  const session = (await (await fetch(`${base}/jmap/session`, { headers: { cookie: header() } })).json()) as {
    primaryAccounts: Record<string, string>;
  };
  return {
    cookie: header(),
    csrf,
    accountId: session.primaryAccounts['urn:ietf:params:jmap:mail'] as string,
  };
}

function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return ticks * 10;
}

try {
  const corpus = await loadCorpusMessages();
  const accounts = await createBenchAccounts({ dataDir, domain: DOMAIN, count: USERS, passwordChosen: true });
  const filled = await fillFacteur({
    dataDir,
    env: { FACTEUR_DOMAIN: DOMAIN, ...CHEAP_ARGON2 },
    corpus,
    fills: accounts.addresses.map((address, i) => ({ address, first: i * 97, count: MESSAGES })),
    analyzeAt: 5000,
  });
  server = await spawnOfflineServer({ FACTEUR_DOMAIN: DOMAIN, ...CHEAP_ARGON2 }, dataDir);
  const base = `http://127.0.0.1:${server.httpPort}`;
  const clients = await Promise.all(accounts.addresses.map((address) => signIn(base, address)));
  console.log(
    `JMAP Email/query (50 newest) + Email/get (list properties) in one request, ${USERS} users in a closed loop for ${SECONDS} s; ${USERS} accounts of ${MESSAGES} messages (fill ${filled.seconds.toFixed(0)} s); Facteur ${facteurBuild()}\n`,
  );
  const latencies: number[] = [];
  const started = performance.now();
  const measureFrom = started + WARM_UP_MS;
  const deadline = measureFrom + SECONDS * 1000;
  let cpuStart = 0;
  const cpuTimer = setTimeout(() => {
    cpuStart = cpuMs(server?.child.pid ?? 0);
  }, WARM_UP_MS);
  await Promise.all(
    clients.map(async ({ cookie, csrf, accountId }) => {
      const body = JSON.stringify({
        using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'],
        methodCalls: [
          ['Email/query', { accountId, limit: 50, calculateTotal: true }, 'q'],
          [
            'Email/get',
            {
              accountId,
              '#ids': { resultOf: 'q', name: 'Email/query', path: '/ids' },
              properties: LIST_PROPERTIES,
            },
            'g',
          ],
        ],
      });
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await fetch(`${base}/jmap/api`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body,
        });
        const json = (await response.json()) as { methodResponses: [string, { list?: unknown[] }, string][] };
        const t1 = performance.now();
        if (response.status !== 200 || json.methodResponses[1]?.[1].list?.length !== 50) {
          throw new Error(`unexpected answer ${response.status}: ${JSON.stringify(json).slice(0, 200)}`);
        }
        if (t0 >= measureFrom) latencies.push(t1 - t0);
      }
    }),
  );
  clearTimeout(cpuTimer);
  const cpu = cpuMs(server.child.pid ?? 0) - cpuStart;
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `  requests: ${latencies.length} in ${SECONDS} s = ${(latencies.length / SECONDS).toFixed(0)}/s`,
  );
  console.log(
    `  latency: median ${fmt(median(latencies))}, p95 ${fmt(percentile(latencies, 0.95))}, p99 ${fmt(percentile(latencies, 0.99))}`,
  );
  console.log(`  server CPU ${(cpu / Math.max(1, latencies.length)).toFixed(2)} ms per request`);
} finally {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
}
console.log(
  '\nreproduce: npm run build:server && npx tsx bench/jmap-latency.ts [users=20] [messages=2000] [--seconds=20]',
);
