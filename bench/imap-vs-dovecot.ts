/**
 * IMAP, Facteur next to Dovecot 2.3 (Debian's package), on the same machine, in one run, driven by
 * the same raw client (bench/imap-client.ts: one command at a time, no pipelining), cleartext on
 * 127.0.0.1 for both (Facteur with FACTEUR_IMAP_CLEARTEXT_LOOPBACK=true, Dovecot with ssl = no), so
 * TLS cost is out of the comparison on both sides.
 *
 * Mail: the same bytes on both sides (bench/imap-fill.ts): SpamAssassin corpus messages, CRLF, a
 * header varied per copy. Facteur: stored in-process through the delivery path before the server
 * starts; Dovecot: Maildir files written directly, its index built by the warm-up's first SELECT.
 *   - "big": one INBOX of N messages (default 10 000)
 *   - "search": one INBOX of M messages (default 100 000; 0 skips the SEARCH part)
 *   - 10 empty accounts for APPEND, 50 accounts with 20 messages for the mixed workload
 * Password hashes: the same argon2id strings on both sides — Facteur's own hashes (its default cost,
 * m=19456 KiB t=2 p=1, read from its configuration) copied into Dovecot's passwd-file as
 * {ARGON2ID}…; Dovecot 2.3 verifies them with libsodium using the parameters in the string, so the
 * cost is the same, not approximated. --cheap-hash: m=1024 KiB t=1 on both, to see the protocol
 * cost of LOGIN without the hash.
 * Dovecot: PEERS.md's "tuned" configuration (`service imap-login { service_count = 0;
 * process_min_avail = 2 }`, `service imap { service_count = 0 }`), Maildir, mail_fsync default.
 *
 * Measured (each: one warm-up, then 3 runs alternating Dovecot/Facteur, each after a quiet CPU;
 * the median is printed, the runs in brackets):
 *   - SELECT INBOX of the big mailbox; FETCH 1:1000 (ENVELOPE FLAGS); UID FETCH of 100 full bodies
 *     (BODY.PEEK[], UIDs spread over the mailbox), each in a fresh logged-in session.
 *   - APPEND throughput: 1 client, 10 clients (one account each), and 1 client into the big mailbox.
 *   - Mixed workload, imaptest-style: each client loops connect, LOGIN, LIST, STATUS, SELECT,
 *     FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE), STORE 1 +FLAGS (\Deleted), EXPUNGE, APPEND,
 *     LOGOUT (9 commands), each client on its own account from its own 127.0.2.x address; 10 and 50
 *     clients for S seconds (default 10): LOGIN/s and commands/s (PEERS.md, tuned Dovecot with
 *     {PLAIN} passwords: 385 LOGIN/s, ~3 400 commands/s at 10 clients).
 *   - UID SEARCH TEXT over the search mailbox, three words from the corpus (frequent, ~1 %, rare):
 *     Dovecot without full-text search plugin reads and scans every message (its default); then, if
 *     dovecot-fts-xapian is installed (Debian 12 main), Dovecot with fts_xapian and fts_enforced,
 *     after `doveadm index` (its time printed). Facteur answers from its full-text index, by word;
 *     Dovecot's plain search is a substring match, so the hit counts are printed and may differ.
 * The client runs in this process and shares the 2 cores with the server measured.
 * --cpu-prof=DIR: the Facteur server writes a V8 CPU profile (summarise with bench/profile-summary.ts).
 *
 * Needs root and: apt-get install dovecot-core dovecot-imapd [dovecot-fts-xapian]; npm run build:server
 * Run:  npx tsx bench/imap-vs-dovecot.ts [messages=10000] [searchMessages=100000] [--append=1000]
 *         [--seconds=10] [--cheap-hash] [--no-xapian] [--cpu-prof=DIR]
 * Quick: npx tsx bench/imap-vs-dovecot.ts 500 2000 --append=100 --seconds=3
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMessage } from '../src/lib/mime/index.js';
import { loadConfig } from '../src/platform/config/index.js';
import { searchWords } from '../src/store/search/search-text.js';
import { BENCH_PASSWORD, createBenchAccounts } from './accounts.js';
import { ImapClient, ok, quote } from './imap-client.js';
import { benchMessage, fillFacteur, writeMaildir } from './imap-fill.js';
import {
  facteurBuild,
  loadCorpusMessages,
  median,
  processTree,
  spawnOfflineServer,
  waitForQuietCpu,
} from './lib.js';
import {
  chownMaildirs,
  type DovecotImap,
  dovecotFtsXapianInstalled,
  dovecotMaildir,
  startDovecotImap,
} from './peers.js';

const args = process.argv.slice(2);
const positional = args.filter((a) => /^\d+$/.test(a)).map(Number);
const BIG = positional[0] ?? 10_000;
const SEARCH = positional[1] ?? 100_000;
const flag = (name: string, fallback: number) =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const APPENDS = flag('append', 1000);
const SECONDS = flag('seconds', 10);
const cheapHash = args.includes('--cheap-hash');
// --cpu-prof=DIR: the Facteur server writes a V8 CPU profile there when it stops (bench/profile-summary.ts).
const cpuProfDir = args.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const withXapian = !args.includes('--no-xapian') && SEARCH > 0 && dovecotFtsXapianInstalled();
const DOMAIN = 'ac-test.fr';
const APPEND_CLIENTS = 10;
const MIXED_CLIENTS = [10, 50];
const MIXED_MESSAGES = 20;
const benchStarted = performance.now();

if (process.getuid?.() !== 0 || !spawnSync('dovecot', ['--version']).stdout) {
  console.error('needs root and Dovecot: apt-get install dovecot-core dovecot-imapd');
  process.exit(1);
}

// Account layout, the same index on both sides: Dovecot user i is Facteur account i.
const BIG_USER = 0;
const SEARCH_USER = 1;
const APPEND_USERS = Array.from({ length: APPEND_CLIENTS }, (_, k) => 2 + k);
const MIXED_USERS = Array.from({ length: Math.max(...MIXED_CLIENTS) }, (_, k) => 2 + APPEND_CLIENTS + k);
const ACCOUNTS = 2 + APPEND_CLIENTS + MIXED_USERS.length;

const shipped = loadConfig({});
const cost = cheapHash
  ? { memoryKib: 1024, timeCost: 1 }
  : { memoryKib: shipped.argon2MemoryKib, timeCost: shipped.argon2TimeCost };

const root = mkdtempSync(join(tmpdir(), 'facteur-imap-vs-dovecot-'));
chmodSync(root, 0o755); // Dovecot's mail processes (nobody) traverse it to the Maildirs
const dataDir = join(root, 'facteur');
const mailRoot = join(root, 'dovecot-mail');
let facteur: Awaited<ReturnType<typeof spawnOfflineServer>> | undefined;
let dovecot: DovecotImap | undefined;
const cleanup = async () => {
  await facteur?.stop();
  await dovecot?.stop();
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

type Server = { name: 'Dovecot' | 'Facteur'; port: number; pid(): number | undefined };

try {
  const corpus = await loadCorpusMessages();
  const avgKib = corpus.reduce((s, m) => s + m.length, 0) / corpus.length / 1024;
  console.log(
    `IMAP, Facteur vs Dovecot ${spawnSync('dovecot', ['--version'], { encoding: 'utf8' }).stdout.trim()} (tuned, Maildir), cleartext on 127.0.0.1, one raw client in this process`,
  );
  console.log(
    `big mailbox ${BIG} messages, search mailbox ${SEARCH}, corpus ${corpus.length} messages of ${avgKib.toFixed(1)} KiB on average; argon2id m=${cost.memoryKib} KiB t=${cost.timeCost} p=1 on both (the same hash strings)${cheapHash ? ' [--cheap-hash]' : ''}`,
  );
  console.log(
    `median of 3 runs after one warm-up, runs alternate Dovecot/Facteur after a quiet CPU; Facteur ${facteurBuild()}\n`,
  );

  // ---- accounts and mail, both sides
  const env = {
    FACTEUR_DOMAIN: DOMAIN,
    FACTEUR_ARGON2_MEMORY_KIB: String(cost.memoryKib),
    FACTEUR_ARGON2_TIME_COST: String(cost.timeCost),
  };
  const accounts = await createBenchAccounts({
    dataDir,
    domain: DOMAIN,
    count: ACCOUNTS,
    argon2: cost,
    passwordChosen: true,
  });
  const users = accounts.addresses;
  const fills = [
    { user: BIG_USER, count: BIG },
    { user: SEARCH_USER, count: SEARCH },
    ...MIXED_USERS.map((user) => ({ user, count: MIXED_MESSAGES })),
  ].filter((f) => f.count > 0);
  const filled = await fillFacteur({
    dataDir,
    env,
    corpus,
    fills: fills.map((f) => ({
      address: users[f.user] as string,
      first: 0,
      count: f.count,
      ordered: f.user === BIG_USER,
    })),
    analyzeAt: 5000,
    onProgress: (n) => process.stdout.write(`\r  Facteur fill: ${n} messages`),
  });
  console.log(
    `\r  Facteur fill: ${filled.messages} messages in ${filled.seconds.toFixed(0)} s (${(filled.messages / filled.seconds).toFixed(0)} msg/s, in-process delivery path${filled.analyzed ? '; ANALYZE during the fill, statistics dropped after' : ''})`,
  );
  let t0 = performance.now();
  for (const f of fills) writeMaildir(dovecotMaildir(mailRoot, f.user), corpus, 0, f.count);
  for (const user of APPEND_USERS) writeMaildir(dovecotMaildir(mailRoot, user), corpus, 0, 0);
  chownMaildirs(mailRoot);
  console.log(
    `  Dovecot fill: ${filled.messages} Maildir files in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
  const dovecotUsers = users.map((login, i) => ({
    login,
    password: `{ARGON2ID}${accounts.passwordHashes[i]}`,
  }));

  facteur = await spawnOfflineServer(
    { ...env, FACTEUR_IMAP_CLEARTEXT_LOOPBACK: 'true' },
    dataDir,
    cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  );
  dovecot = await startDovecotImap(dovecotUsers, { tuned: true, mailRoot, maxConnections: 200 });
  const f = facteur;
  const servers: Server[] = [
    { name: 'Dovecot', port: dovecot.port, pid: () => dovecot?.pid() },
    { name: 'Facteur', port: f.imapPort, pid: () => f.child.pid },
  ];
  const session = async (server: Server, user: number, localAddress?: string) => {
    const client = await ImapClient.open(server.port, localAddress ? { localAddress } : {});
    await client.login(users[user] as string, BENCH_PASSWORD);
    return client;
  };
  console.log('');

  // ---- SELECT, FETCH
  if (BIG > 0) {
    const uidsOf = new Map<string, number[]>();
    const bigSession = async (server: Server) => {
      const client = await session(server, BIG_USER);
      let t = performance.now();
      const selected = ok(await client.command('SELECT INBOX'), 'SELECT');
      const selectMs = performance.now() - t;
      const exists = Number(/^\* (\d+) EXISTS/m.exec(selected.untagged.join(''))?.[1]);
      if (exists !== BIG) throw new Error(`${server.name}: ${exists} messages in INBOX, expected ${BIG}`);
      t = performance.now();
      const envelopes = ok(
        await client.command(`FETCH 1:${Math.min(1000, BIG)} (ENVELOPE FLAGS)`, { keep: false }),
        'FETCH',
      );
      const fetchMs = performance.now() - t;
      let uids = uidsOf.get(server.name);
      if (!uids) {
        const all = ok(await client.command('UID SEARCH ALL'), 'UID SEARCH ALL');
        const list = (all.untagged[0] ?? '').trim().split(' ').slice(2).map(Number);
        const step = list.length / Math.min(100, list.length);
        uids = Array.from(
          { length: Math.min(100, list.length) },
          (_, k) => list[Math.floor(k * step)] as number,
        );
        uidsOf.set(server.name, uids);
      }
      t = performance.now();
      const bodies = ok(
        await client.command(`UID FETCH ${uids.join(',')} (BODY.PEEK[])`, { keep: false }),
        'UID FETCH',
      );
      const bodiesMs = performance.now() - t;
      await client.logout();
      if (envelopes.untaggedCount !== Math.min(1000, BIG) || bodies.untaggedCount !== uids.length) {
        throw new Error(
          `${server.name}: ${envelopes.untaggedCount} envelopes, ${bodies.untaggedCount} bodies`,
        );
      }
      return { selectMs, fetchMs, bodiesMs, bodyBytes: bodies.bytes, envelopeBytes: envelopes.bytes };
    };
    const results = await alternate(bigSession);
    printRow(`SELECT INBOX (${BIG} messages)`, results, (r) => r.selectMs, 'ms');
    printRow(
      `FETCH 1:${Math.min(1000, BIG)} (ENVELOPE FLAGS)`,
      results,
      (r) => r.fetchMs,
      'ms',
      (r) => `${(r.envelopeBytes / 1024).toFixed(0)} KiB`,
    );
    printRow(
      `UID FETCH ${Math.min(100, BIG)} × BODY.PEEK[]`,
      results,
      (r) => r.bodiesMs,
      'ms',
      (r) => `${(r.bodyBytes / 1024).toFixed(0)} KiB`,
    );
    console.log('');
  }

  // ---- APPEND
  if (APPENDS > 0) {
    let nextMessage = 1_000_000; // beyond every filled range: new Message-IDs
    const appendRun = async (server: Server, clients: number, count: number, users: number[]) => {
      const sessions = await Promise.all(users.slice(0, clients).map((u) => session(server, u)));
      const per = Math.ceil(count / clients);
      const cpu0 = treeCpuMs(server.pid());
      const started = performance.now();
      let done = 0;
      await Promise.all(
        sessions.map(async (client) => {
          for (let k = 0; k < per; k++) {
            ok(await client.append('INBOX', benchMessage(corpus, nextMessage++).raw), 'APPEND');
            done++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const cpuMsPerMessage = (treeCpuMs(server.pid()) - cpu0) / Math.max(1, done);
      await Promise.all(sessions.map((c) => c.logout()));
      return { rate: done / seconds, cpuMsPerMessage };
    };
    const cpuPerMessage = (r: { cpuMsPerMessage: number }) =>
      `server CPU ${r.cpuMsPerMessage.toFixed(2)} ms/message`;
    const one = await alternate((s) => appendRun(s, 1, APPENDS, APPEND_USERS));
    printRow('APPEND, 1 client', one, (r) => r.rate, 'msg/s', cpuPerMessage);
    const ten = await alternate((s) => appendRun(s, APPEND_CLIENTS, APPENDS, APPEND_USERS));
    printRow(
      `APPEND, ${APPEND_CLIENTS} clients (own account each)`,
      ten,
      (r) => r.rate,
      'msg/s',
      cpuPerMessage,
    );
    if (BIG > 0) {
      const intoBig = Math.max(10, Math.round(APPENDS / 4));
      const big = await alternate((s) => appendRun(s, 1, intoBig, [BIG_USER]));
      printRow(
        `APPEND, 1 client into the ${BIG}-message INBOX (${intoBig}/run)`,
        big,
        (r) => r.rate,
        'msg/s',
        cpuPerMessage,
      );
    }
    console.log('');
  }

  // ---- mixed workload
  if (SECONDS > 0) {
    for (const clients of MIXED_CLIENTS) {
      let appended = 2_000_000;
      const mixedRun = async (server: Server, seconds: number) => {
        const deadline = performance.now() + seconds * 1000;
        const counts = { logins: 0, commands: 0 };
        const cpu0 = treeCpuMs(server.pid());
        const started = performance.now();
        await Promise.all(
          MIXED_USERS.slice(0, clients).map(async (user, c) => {
            const localAddress = `127.0.2.${c + 1}`;
            while (performance.now() < deadline) {
              const client = await session(server, user, localAddress);
              counts.logins++;
              ok(await client.command('LIST "" "*"'), 'LIST');
              ok(await client.command('STATUS INBOX (MESSAGES UNSEEN UIDNEXT)'), 'STATUS');
              ok(await client.command('SELECT INBOX'), 'SELECT');
              ok(await client.command('FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE)'), 'FETCH');
              ok(await client.command('STORE 1 +FLAGS (\\Deleted)'), 'STORE');
              ok(await client.command('EXPUNGE'), 'EXPUNGE');
              ok(await client.append('INBOX', benchMessage(corpus, appended++).raw), 'APPEND');
              await client.logout();
              counts.commands += 9;
            }
          }),
        );
        const elapsed = (performance.now() - started) / 1000;
        const cpu = treeCpuMs(server.pid()) - cpu0;
        return {
          logins: counts.logins / elapsed,
          commands: counts.commands / elapsed,
          cpuMsPerLoop: cpu / Math.max(1, counts.logins),
        };
      };
      const results = await alternate(
        (s) => mixedRun(s, SECONDS),
        (s) => mixedRun(s, Math.min(3, SECONDS)),
      );
      const extra = (r: { cpuMsPerLoop: number }) => `server CPU ${r.cpuMsPerLoop.toFixed(1)} ms/loop`;
      printRow(`mixed, ${clients} clients: LOGIN/s`, results, (r) => r.logins, '/s', extra);
      printRow(`mixed, ${clients} clients: commands/s`, results, (r) => r.commands, '/s');
    }
    console.log(
      `  (${SECONDS} s per run; a loop = connect + 9 commands; PEERS.md, tuned Dovecot with {PLAIN}: 385 LOGIN/s, ~3 400 commands/s at 10 clients)\n`,
    );
  }

  // ---- SEARCH TEXT
  if (SEARCH > 0) {
    const queries = pickWords(corpus);
    const searchRun = async (server: Server) => {
      const client = await session(server, SEARCH_USER);
      ok(await client.command('SELECT INBOX', { keep: false }), 'SELECT');
      const out: Record<string, { ms: number; hits: number }> = {};
      for (const [kind, word] of queries) {
        const t = performance.now();
        const r = ok(await client.command(`UID SEARCH TEXT ${quote(word)}`), 'SEARCH');
        out[kind] = {
          ms: performance.now() - t,
          hits: (r.untagged[0] ?? '').trim().split(' ').length - 2,
        };
      }
      await client.logout();
      return out;
    };
    const printSearch = (results: Results<Record<string, { ms: number; hits: number }>>, label: string) => {
      for (const [kind, word] of queries) {
        printRow(
          `SEARCH TEXT ${kind} "${word}" (${label})`,
          results,
          (r) => r[kind]?.ms ?? Number.NaN,
          'ms',
          (r) => `${r[kind]?.hits} hits`,
        );
      }
    };
    console.log(`UID SEARCH TEXT over ${SEARCH} messages:`);
    printSearch(await alternate(searchRun), 'Dovecot without FTS: reads every message');

    if (withXapian) {
      // Same Maildir, another configuration: the plain Dovecot must be gone first.
      await dovecot.stop();
      dovecot = undefined;
      const xapian = await startDovecotImap(dovecotUsers, { tuned: true, mailRoot, ftsXapian: true });
      dovecot = xapian;
      servers[0] = { name: 'Dovecot', port: xapian.port, pid: () => xapian.pid() };
      t0 = performance.now();
      xapian.doveadm(['index', '-u', users[SEARCH_USER] as string, 'INBOX']);
      console.log(
        `  (doveadm index with fts_xapian: ${((performance.now() - t0) / 1000).toFixed(0)} s for ${SEARCH} messages)`,
      );
      printSearch(await alternate(searchRun), 'Dovecot with fts_xapian');
    } else {
      console.log(
        `  (Dovecot with fts-xapian not measured: ${args.includes('--no-xapian') ? '--no-xapian' : 'apt-get install dovecot-fts-xapian'})`,
      );
    }
    console.log('');
  }

  // ---- helpers using the servers

  type Results<R> = { Dovecot: R[]; Facteur: R[] };

  /** One warm-up each, then 3 rounds Dovecot then Facteur, each after a quiet CPU. */
  async function alternate<R>(
    run: (server: Server) => Promise<R>,
    warmUp: (server: Server) => Promise<unknown> = run,
  ): Promise<Results<R>> {
    for (const server of servers) await warmUp(server);
    const results: Results<R> = { Dovecot: [], Facteur: [] };
    for (let round = 0; round < 3; round++) {
      for (const server of servers) {
        await waitForQuietCpu();
        results[server.name].push(await run(server));
      }
    }
    return results;
  }
} finally {
  await cleanup();
}
console.log(`total bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
console.log(
  'reproduce (as root, apt-get install dovecot-core dovecot-imapd dovecot-fts-xapian): npm run build:server && npx tsx bench/imap-vs-dovecot.ts [messages=10000] [searchMessages=100000] [--append=1000] [--seconds=10] [--cheap-hash] [--no-xapian] [--cpu-prof=DIR]',
);

function printRow<R>(
  label: string,
  results: { Dovecot: R[]; Facteur: R[] },
  value: (r: R) => number,
  unit: string,
  extra?: (r: R) => string,
) {
  const higherIsBetter = unit !== 'ms';
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const side = (name: string, rs: R[]) => {
    const values = rs.map(value);
    const mid = median(values);
    // Extras (bytes, hits, CPU) from the run whose figure is the median.
    const run = rs[values.indexOf(mid)] ?? rs[0];
    return `${name} ${fmt(mid).padStart(7)} ${unit} [${values.map(fmt).join(', ')}]${extra && run ? `  ${extra(run)}` : ''}`;
  };
  const ratio = median(results.Facteur.map(value)) / median(results.Dovecot.map(value));
  const better = higherIsBetter ? ratio >= 1 : ratio <= 1;
  const factor = Math.max(ratio, 1 / ratio);
  console.log(`  ${label}`);
  console.log(`    ${side('Dovecot', results.Dovecot)}`);
  console.log(`    ${side('Facteur', results.Facteur)}`);
  console.log(
    `    Facteur/Dovecot ${ratio.toFixed(2)}: Facteur ${factor.toFixed(1)}× ${better ? (higherIsBetter ? 'higher' : 'faster') : higherIsBetter ? 'lower' : 'slower'}`,
  );
}

/** CPU time (ms) of a process tree, reaped children included (Dovecot forks per connection). */
function treeCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  let ticks = 0;
  for (const p of processTree(pid)) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14–17 (1-based), 11–14 after the ") " split.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      // exited
    }
  }
  return ticks * 10; // CLK_TCK = 100 on Linux
}

/**
 * Three query words from the corpus, with Facteur's own parser and word folding (what its index
 * holds): the most frequent word found in 10–40 % of the messages, one in ~1 %, one in 2 messages.
 * Lowercase ASCII letters only, so substring (Dovecot) and word (Facteur) matching stay comparable.
 */
function pickWords(corpus: Buffer[]): [string, string][] {
  const df = new Map<string, number>();
  for (const raw of corpus) {
    const parsed = parseMessage(raw);
    for (const w of new Set(searchWords(`${parsed.subject ?? ''} ${parsed.textBody ?? ''}`))) {
      if (/^[a-z]{6,}$/.test(w)) df.set(w, (df.get(w) ?? 0) + 1);
    }
  }
  const n = corpus.length;
  const sorted = [...df].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const frequent = sorted.find(([, c]) => c >= 0.1 * n && c <= 0.4 * n)?.[0] ?? 'information';
  const medium = sorted.find(([, c]) => c <= 0.01 * n)?.[0] ?? 'mortgage';
  const rare = sorted
    .filter(([, c]) => c === 2)
    .at(Math.floor(sorted.filter(([, c]) => c === 2).length / 2))?.[0];
  return [
    ['frequent', frequent],
    ['~1 %', medium],
    ['rare', rare ?? 'zzzzzz'],
  ];
}
