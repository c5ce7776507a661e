/**
 * Server memory per idle IMAP connection, Facteur next to Dovecot 2.3 (Debian's package), as in
 * PEERS.md: N connections, each LOGIN + SELECT INBOX + IDLE, then the server's proportional set size
 * (PSS, /proc/PID/smaps_rollup, summed over the server's process tree: Dovecot forks one imap process
 * per connection, whose shared pages PSS splits between them instead of counting them N times),
 * measured before and after; per connection = (after − before) / N, in KiB. Goal for Facteur:
 * < 40 KiB per idle connection. PEERS.md at 3 000 connections: default Dovecot 517 KB,
 * with `imap_hibernate_timeout = 5s` 9.9 KB.
 *
 * Method, per run (median of 3 runs; each run on a freshly started server, after a quiet CPU):
 *   1. start the server; warm-up: 200 connections opened (LOGIN, SELECT, IDLE) and closed, so code
 *      loaded and caches filled once are not charged to the connections; wait 3 s;
 *   2. PSS before;
 *   3. N connections opened in batches of 200 (each batch fully in IDLE before the next: no SYN
 *      backlog overflow, no pre-authentication pile-up), then 10 s of quiet (Dovecot's hibernation
 *      moves sessions after 5 s in IDLE);
 *   4. PSS after, then every connection closed and the server stopped.
 * The client runs in this process and its sockets' memory is not counted: only the server's tree.
 * Caps: Facteur refuses more than 50 connections per account and 500 per client address
 * (src/protocols/imap/server.ts), so connections use one account per 40 connections and bind to
 * 127.1.x.y source addresses, 250 per address. Dovecot gets the same accounts and addresses, with
 * process_limit, default_client_limit and mail_max_userip_connections raised so they hold.
 * Accounts: INBOX of 100 corpus messages each (--messages), the same bytes on both sides
 * (bench/imap-fill.ts); passwords argon2id m=1024 KiB t=1 on both (the same hash strings): the
 * sign-in cost does not matter here, and the 19 MiB a default-cost hash allocates per concurrent
 * verification would blur the "after" figure.
 * Facteur is measured at N (default 10 000) and at Dovecot's count (default 3 000), Dovecot at its
 * count only (one process per connection: 10 000 processes is past this machine kind's limits).
 *
 * Limits: the client process and the server each hold N sockets: RLIMIT_NOFILE must exceed N + 1 000.
 * The script re-executes itself under `ulimit -n` when only the soft limit is too low; the server
 * children inherit it. Dovecot's IDLE takes an inotify instance per imap process: as root the script
 * raises fs.inotify.max_user_instances when it is below what the run needs (PEERS.md: 16384).
 *
 * --tls: Facteur's connections over implicit TLS (port 9930's listener, TLS 1.3, the self-signed
 * certificate of the data directory) instead of cleartext, to count OpenSSL's state per socket too;
 * Dovecot is then not run (its TLS would be terminated in imap-login processes: another layout).
 *
 * Needs root and: apt-get install dovecot-core dovecot-imapd; npm run build:server
 * Run:  npx tsx bench/imap-idle-memory.ts [connections=10000] [--dovecot=3000] [--messages=100]
 *         [--no-dovecot] [--no-hibernate] [--tls]
 * Quick: npx tsx bench/imap-idle-memory.ts 300 --dovecot=300 --messages=10
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_PASSWORD, createBenchAccounts } from './accounts.js';
import { ImapClient, ok } from './imap-client.js';
import { fillFacteur, writeMaildir } from './imap-fill.js';
import {
  facteurBuild,
  loadCorpusMessages,
  median,
  openFilesLimit,
  pssTreeKib,
  spawnOfflineServer,
  waitForQuietCpu,
} from './lib.js';
import { chownMaildirs, dovecotMaildir, startDovecotImap } from './peers.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const CONNECTIONS = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000);
const TLS = args.includes('--tls');
const DOVECOT_CONNECTIONS = args.includes('--no-dovecot') || TLS ? 0 : flag('dovecot', 3000);
const MESSAGES = flag('messages', 100);
const BATCH = 200;
const WARM_UP = 200;
const PER_ACCOUNT = 40; // under Facteur's 50 per account
const PER_ADDRESS = 250; // under Facteur's 500 per client address
const SETTLE_MS = 10_000;
const DOMAIN = 'ac-test.fr';
const benchStarted = performance.now();

// ---- limits: file descriptors (re-exec under ulimit -n), inotify instances
const neededFiles = Math.max(CONNECTIONS, DOVECOT_CONNECTIONS) + 1000;
const limit = openFilesLimit();
if (limit.soft < neededFiles) {
  if (limit.hard < neededFiles || process.env.FACTEUR_BENCH_ULIMIT_DONE) {
    console.error(
      `open files limit ${limit.soft} (hard ${limit.hard}) < ${neededFiles}: run under \`ulimit -n ${neededFiles}\` as a user allowed to raise it, or ask for fewer connections`,
    );
    process.exit(1);
  }
  // Node cannot call setrlimit: a shell raises the soft limit, then runs this same script again.
  const quoted = [process.execPath, ...process.execArgv, ...process.argv.slice(1)]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const r = spawnSync('bash', ['-c', `ulimit -n ${neededFiles} && exec ${quoted}`], {
    stdio: 'inherit',
    env: { ...process.env, FACTEUR_BENCH_ULIMIT_DONE: '1' },
  });
  process.exit(r.status ?? 1);
}
if (DOVECOT_CONNECTIONS > 0) {
  if (process.getuid?.() !== 0) {
    console.error('Dovecot must be started as root (or --no-dovecot)');
    process.exit(1);
  }
  const file = '/proc/sys/fs/inotify/max_user_instances';
  const instances = Number(readFileSync(file, 'utf8'));
  const needed = Math.max(16_384, 2 * DOVECOT_CONNECTIONS + 1000);
  if (instances < needed) {
    writeFileSync(file, String(needed));
    console.log(`(fs.inotify.max_user_instances raised from ${instances} to ${needed} for Dovecot's IDLE)`);
  }
}

const accountCount = Math.ceil(Math.max(CONNECTIONS, DOVECOT_CONNECTIONS) / PER_ACCOUNT);
const root = mkdtempSync(join(tmpdir(), 'facteur-imap-idle-'));
chmodSync(root, 0o755); // Dovecot's mail processes (nobody) traverse it to the Maildirs
const dataDir = join(root, 'facteur');
const mailRoot = join(root, 'dovecot-mail');
const stops: (() => Promise<void>)[] = [];
const cleanup = async () => {
  for (const stop of stops.splice(0)) await stop().catch(() => {});
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

/** Account addresses, index = Dovecot user index. */
let users: string[] = [];

interface Run {
  beforeKib: number;
  afterKib: number;
  perConnectionKib: number;
  processes: number;
  openSeconds: number;
}

try {
  const corpus = await loadCorpusMessages(Math.max(1, MESSAGES));
  const accounts = await createBenchAccounts({
    dataDir,
    domain: DOMAIN,
    count: accountCount,
    passwordChosen: true,
  });
  users = accounts.addresses;
  const filled = await fillFacteur({
    dataDir,
    env: { FACTEUR_DOMAIN: DOMAIN },
    corpus,
    fills: users.map((address) => ({ address, first: 0, count: MESSAGES })),
  });
  for (let i = 0; i < accountCount; i++) writeMaildir(dovecotMaildir(mailRoot, i), corpus, 0, MESSAGES);
  chownMaildirs(mailRoot);
  const dovecotUsers = users.map((login, i) => ({
    login,
    password: `{ARGON2ID}${accounts.passwordHashes[i]}`,
  }));
  console.log(
    `IMAP memory per idle connection (LOGIN + SELECT INBOX + IDLE${TLS ? ', Facteur over implicit TLS' : ', cleartext'}), PSS of the server's process tree, after − before, per connection`,
  );
  console.log(
    `${accountCount} accounts of ${MESSAGES} messages (Facteur fill ${filled.seconds.toFixed(0)} s), ${PER_ACCOUNT} connections per account, ${PER_ADDRESS} per 127.1.x.y source address, batches of ${BATCH}; median of 3 runs, each on a fresh server after a ${WARM_UP}-connection warm-up; Facteur ${facteurBuild()}\n`,
  );

  const facteurRun = async (n: number): Promise<Run> => {
    const server = await spawnOfflineServer(
      { FACTEUR_DOMAIN: DOMAIN, FACTEUR_IMAP_CLEARTEXT_LOOPBACK: 'true' },
      dataDir,
    );
    const stop = () => server.stop();
    stops.push(stop);
    try {
      return await measure(TLS ? server.imapsPort : server.imapPort, () => server.child.pid, n, TLS);
    } finally {
      stops.splice(stops.indexOf(stop), 1);
      await stop();
    }
  };
  const dovecotRun = async (n: number, hibernate: boolean): Promise<Run> => {
    const dovecot = await startDovecotImap(dovecotUsers, {
      mailRoot,
      maxConnections: n + WARM_UP + 100,
      ...(hibernate ? { hibernateTimeout: '5s' } : {}),
    });
    stops.push(dovecot.stop);
    try {
      return await measure(dovecot.port, dovecot.pid, n);
    } catch (error) {
      throw new Error(`${(error as Error).message}${dovecot.logTail()}`);
    } finally {
      stops.splice(stops.indexOf(dovecot.stop), 1);
      await dovecot.stop();
    }
  };

  const configurations: [string, () => Promise<Run>][] = [
    [`Facteur, ${CONNECTIONS}`, () => facteurRun(CONNECTIONS)],
  ];
  if (DOVECOT_CONNECTIONS > 0) {
    if (DOVECOT_CONNECTIONS !== CONNECTIONS) {
      configurations.push([`Facteur, ${DOVECOT_CONNECTIONS}`, () => facteurRun(DOVECOT_CONNECTIONS)]);
    }
    configurations.push([
      `Dovecot default, ${DOVECOT_CONNECTIONS}`,
      () => dovecotRun(DOVECOT_CONNECTIONS, false),
    ]);
    if (!args.includes('--no-hibernate')) {
      configurations.push([
        `Dovecot imap_hibernate_timeout = 5s, ${DOVECOT_CONNECTIONS}`,
        () => dovecotRun(DOVECOT_CONNECTIONS, true),
      ]);
    }
  }
  const medians = new Map<string, number>();
  for (const [label, run] of configurations) {
    const runs: Run[] = [];
    for (let i = 0; i < 3; i++) {
      await waitForQuietCpu();
      runs.push(await run());
    }
    const per = runs.map((r) => r.perConnectionKib);
    const mid = median(per);
    medians.set(label, mid);
    const m = runs[per.indexOf(mid)] ?? (runs[0] as Run);
    console.log(
      `  ${`${label} connections`.padEnd(52)} ${mid.toFixed(1).padStart(7)} KiB/connection  [${per.map((v) => v.toFixed(1)).join(', ')}]  PSS ${(m.beforeKib / 1024).toFixed(0)} → ${(m.afterKib / 1024).toFixed(0)} MiB, ${m.processes} processes, opened in ${m.openSeconds.toFixed(1)} s`,
    );
  }
  const facteurAtDovecot = medians.get(`Facteur, ${DOVECOT_CONNECTIONS}`);
  if (facteurAtDovecot !== undefined) {
    for (const [label, kib] of medians) {
      if (!label.startsWith('Dovecot')) continue;
      console.log(
        `  ratio Facteur / ${label.replace(/, \d+$/, '')} at ${DOVECOT_CONNECTIONS}: ${(facteurAtDovecot / kib).toFixed(2)}`,
      );
    }
  }
  const goal = medians.get(`Facteur, ${CONNECTIONS}`) ?? Number.NaN;
  console.log(
    `  goal Facteur < 40 KiB per idle connection at ${CONNECTIONS}: ${goal < 40 ? 'met' : 'NOT met'}`,
  );
} finally {
  await cleanup();
}
console.log(`\ntotal bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
console.log(
  'reproduce (as root, apt-get install dovecot-core dovecot-imapd): npm run build:server && npx tsx bench/imap-idle-memory.ts [connections=10000] [--dovecot=3000] [--messages=100] [--no-dovecot] [--no-hibernate] [--tls]',
);

/** Warm-up, PSS before, N idle connections, settle, PSS after; closes everything it opened. */
async function measure(port: number, pid: () => number | undefined, n: number, tls = false): Promise<Run> {
  const serverPid = pid();
  if (!serverPid) throw new Error('no server pid');
  const warm = await openIdle(port, WARM_UP, 0, tls);
  for (const c of warm) c.close();
  await new Promise((r) => setTimeout(r, 3000));
  const before = pssTreeKib(serverPid);
  const started = performance.now();
  const clients = await openIdle(port, n, 0, tls);
  const openSeconds = (performance.now() - started) / 1000;
  try {
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const after = pssTreeKib(serverPid);
    return {
      beforeKib: before.kib,
      afterKib: after.kib,
      perConnectionKib: (after.kib - before.kib) / n,
      processes: after.processes,
      openSeconds,
    };
  } finally {
    for (const c of clients) c.close();
  }
}

/** Opens n connections in batches, each LOGIN (account k / PER_ACCOUNT), SELECT INBOX, IDLE. */
async function openIdle(port: number, n: number, first: number, tls: boolean): Promise<ImapClient[]> {
  const clients: ImapClient[] = [];
  try {
    for (let start = 0; start < n; start += BATCH) {
      const settled = await Promise.allSettled(
        Array.from({ length: Math.min(BATCH, n - start) }, async (_, j) => {
          const k = first + start + j;
          const address = Math.floor(k / PER_ADDRESS) + 1;
          const client = await ImapClient.open(port, {
            localAddress: `127.1.${address >> 8}.${address & 255}`,
            tls,
          });
          try {
            await client.login(users[Math.floor(k / PER_ACCOUNT) % accountCount] as string, BENCH_PASSWORD);
            ok(await client.command('SELECT INBOX', { keep: false }), 'SELECT');
            await client.idle();
          } catch (error) {
            client.close();
            throw new Error(`connection ${k}: ${(error as Error).message}`);
          }
          return client;
        }),
      );
      for (const r of settled) if (r.status === 'fulfilled') clients.push(r.value);
      const failed = settled.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  } catch (error) {
    for (const c of clients) c.close();
    throw error;
  }
  return clients;
}
