/**
 * SMTP delivery end to end, Facteur next to the stack it replaces, on the same machine, in one run,
 * with the same load generator (PEERS.md):
 *   (a) Postfix 3.7 → LMTP → Dovecot 2.3 Maildir: "end" = the last message is a file in its Maildir
 *       new/ directory (the Maildirs are counted), not just queued;
 *   (b) Facteur (`facteur serve`, compiled): "end" = the last 250, which Facteur sends only once the
 *       message is stored, counted and indexed.
 * Load: the same SpamAssassin corpus messages (envelope line stripped, CRLF) to the same 100
 * mailboxes (prenom{i}.nom{i}@ac-test.fr on both), one message per transaction on kept-alive
 * connections, N parallel connections from bench/smtp-load.ts (the protocol code of
 * test/helpers/smtp-client.ts, in this process). 10 and 50 connections for both, 1 for Facteur too.
 * Runs alternate Postfix/Facteur, each after a quiet CPU; median of 3 after a warm-up per level.
 * Also, unless --no-smtp-source: Postfix's own `smtp-source` (one message per connection) against
 * Postfix+Dovecot, to compare with the figures in PEERS.md.
 * Facteur runs with DNS answered NXDOMAIN at once (bench/serve-offline.mjs), so nothing leaves
 * 127.0.0.1; Postfix is configured without DNS lookups too.
 *
 * Needs root and: apt-get install postfix dovecot-core dovecot-lmtpd dovecot-imapd; npm run build:server
 * Run:  npx tsx bench/smtp-vs-postfix.ts [messagesPerRun=2000] [--no-smtp-source] [--cpu-prof=DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBenchAccounts } from './accounts.js';
import {
  loadCorpusMessages,
  MiB,
  median,
  percentile,
  rssSampler,
  spawnOfflineServer,
  waitForQuietCpu,
} from './lib.js';
import { type PostfixDovecot, peersInstalled, startPostfixDovecot } from './peers.js';
import { runLoad, wireData } from './smtp-load.js';

const args = process.argv.slice(2);
const perRun = Number(args.find((a) => /^\d+$/.test(a)) ?? 2000);
const withSmtpSource = !args.includes('--no-smtp-source');
// --cpu-prof=DIR: the Facteur server writes a V8 CPU profile there when it stops.
const cpuProfDir = args.find((a) => a.startsWith('--cpu-prof='))?.slice('--cpu-prof='.length);
const warmUp = Math.max(100, Math.round(perRun / 4));
const MAILBOXES = 100;
const DOMAIN = 'ac-test.fr';
const SENDER = 'bench@example.org';
const benchStarted = performance.now();

const corpus = await loadCorpusMessages(3000);
const wire = corpus.map(wireData);
const averageBytes = corpus.reduce((s, m) => s + m.length, 0) / corpus.length;

const missing = peersInstalled();
if (missing) {
  console.error(`cannot run the peers: ${missing}`);
  process.exit(1);
}

const root = mkdtempSync(join(tmpdir(), 'facteur-vs-postfix-'));
const dataDir = join(root, 'facteur');
let peers: PostfixDovecot | undefined;
let facteur: Awaited<ReturnType<typeof spawnOfflineServer>> | undefined;
const cleanup = async () => {
  await facteur?.stop();
  await peers?.stop();
  rmSync(root, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanup().finally(() => process.exit(130));
  });
}

interface Row {
  rates: number[];
  queuedRates: number[];
  p50: number[];
  p99: number[];
  serverCpuMsPerMsg: number[];
  clientCpuMsPerMsg: number[];
}
const emptyRow = (): Row => ({
  rates: [],
  queuedRates: [],
  p50: [],
  p99: [],
  serverCpuMsPerMsg: [],
  clientCpuMsPerMsg: [],
});

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime are fields 14 and 15 (1-based), i.e. 11 and 12 after the ") " split.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // CLK_TCK = 100 on Linux
}

try {
  const accounts = await createBenchAccounts({ dataDir, domain: DOMAIN, count: MAILBOXES });
  const addresses = accounts.addresses;
  facteur = await spawnOfflineServer(
    { FACTEUR_DOMAIN: DOMAIN },
    dataDir,
    cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  );
  peers = await startPostfixDovecot(addresses);
  const rss = rssSampler(facteur.child.pid as number);

  let sent = 0; // rotates through the corpus so successive runs send different messages
  const message = (i: number) => ({
    from: SENDER,
    to: [addresses[i % MAILBOXES] as string],
    data: wire[(sent + i) % wire.length] as Buffer,
  });

  async function facteurRun(connections: number, count: number, row?: Row) {
    const server = facteur as NonNullable<typeof facteur>;
    const cpu0 = cpuMsOf(server.child.pid as number);
    const client0 = process.cpuUsage();
    const result = await runLoad({ port: server.smtpPort, connections, count, message });
    const client = process.cpuUsage(client0);
    const serverCpu = cpuMsOf(server.child.pid as number) - cpu0;
    sent += count;
    row?.rates.push(count / result.seconds);
    row?.queuedRates.push(count / result.seconds);
    row?.p50.push(percentile(result.latencies, 0.5));
    row?.p99.push(percentile(result.latencies, 0.99));
    row?.serverCpuMsPerMsg.push(serverCpu / count);
    row?.clientCpuMsPerMsg.push((client.user + client.system) / 1000 / count);
  }

  async function postfixRun(connections: number, count: number, row?: Row) {
    const stack = peers as PostfixDovecot;
    const before = stack.delivered();
    const client0 = process.cpuUsage();
    const started = performance.now();
    const result = await runLoad({ port: stack.smtpPort, connections, count, message });
    const client = process.cpuUsage(client0);
    await waitDelivered(stack, before + count);
    const seconds = (performance.now() - started) / 1000;
    sent += count;
    row?.rates.push(count / seconds);
    row?.queuedRates.push(count / result.seconds);
    row?.p50.push(percentile(result.latencies, 0.5));
    row?.p99.push(percentile(result.latencies, 0.99));
    row?.clientCpuMsPerMsg.push((client.user + client.system) / 1000 / count);
  }

  console.log(
    `SMTP delivery end to end, ${perRun} corpus messages per run (${corpus.length} distinct, average ${(averageBytes / 1024).toFixed(1)} KiB), ${MAILBOXES} mailboxes, one message per transaction`,
  );
  console.log(
    `load generator: bench/smtp-load.ts in this process (test/helpers/smtp-client.ts protocol code), N kept-alive connections; median of 3 after a warm-up of ${warmUp}`,
  );
  console.log(
    `(${MAILBOXES} Facteur accounts created in-process in ${(accounts.ms / 1000).toFixed(1)} s; Postfix ${postconf('mail_version')}, Dovecot ${spawnSync('dovecot', ['--version'], { encoding: 'utf8' }).stdout.trim()})\n`,
  );

  const results = new Map<string, Row>();
  for (const connections of [1, 10, 50]) {
    const withPostfix = connections > 1;
    const f = emptyRow();
    const p = emptyRow();
    results.set(`facteur/${connections}`, f);
    if (withPostfix) results.set(`postfix/${connections}`, p);
    // Warm-ups: processes spawned (smtpd, lmtp), caches and JIT warm.
    if (withPostfix) await postfixRun(connections, warmUp);
    await facteurRun(connections, warmUp);
    for (let run = 0; run < 3; run++) {
      if (withPostfix) {
        await waitForQuietCpu();
        await postfixRun(connections, perRun, p);
      }
      await waitForQuietCpu();
      await facteurRun(connections, perRun, f);
    }
    const line = (name: string, r: Row, extra: string) =>
      console.log(
        `  ${name.padEnd(26)} ${String(connections).padStart(2)} conn: ${median(r.rates).toFixed(0).padStart(5)} msg/s  [${r.rates.map((v) => v.toFixed(0)).join(', ')}]  latency p50 ${median(r.p50).toFixed(1)} ms, p99 ${median(r.p99).toFixed(1)} ms${extra}`,
      );
    if (withPostfix) {
      line(
        'Postfix→LMTP→Dovecot',
        p,
        `; queued-only ${median(p.queuedRates).toFixed(0)} msg/s; client CPU ${median(p.clientCpuMsPerMsg).toFixed(2)} ms/msg`,
      );
    }
    line(
      'Facteur',
      f,
      `; server CPU ${median(f.serverCpuMsPerMsg).toFixed(2)} ms/msg; client CPU ${median(f.clientCpuMsPerMsg).toFixed(2)} ms/msg`,
    );
    if (withPostfix) {
      console.log(
        `  ${'ratio Facteur / Postfix+Dovecot'.padEnd(26)} ${String(connections).padStart(2)} conn: ${(median(f.rates) / median(p.rates)).toFixed(2)}  (per-round ratios: ${f.rates.map((v, i) => (v / (p.rates[i] as number)).toFixed(2)).join(', ')})`,
      );
    }
    console.log('');
  }
  rss.stop();
  console.log(`Facteur server peak RSS over all runs: ${(rss.peak() / MiB).toFixed(0)} MiB`);

  if (withSmtpSource) {
    // Postfix's own generator, one message per connection, the mode PEERS.md used.
    const sample = corpus.find((m) => m.length > 4500 && m.length < 5500) ?? (corpus[0] as Buffer);
    const file = join(root, 'smtp-source-message.txt');
    writeFileSync(file, sample.toString('latin1').replace(/\r\n/g, '\n'));
    console.log(
      `\nPostfix→LMTP→Dovecot with Postfix's smtp-source (one message per connection, one ${(sample.length / 1024).toFixed(1)} KiB corpus message, -F, 10 generator processes, each to its own mailbox):`,
    );
    for (const sessions of [10, 50]) {
      const rates: number[] = [];
      await smtpSource(sessions, warmUp);
      for (let run = 0; run < 3; run++) {
        await waitForQuietCpu();
        rates.push(await smtpSource(sessions, perRun));
      }
      console.log(
        `  smtp-source -s ${String(sessions).padStart(2)}: ${median(rates).toFixed(0).padStart(5)} msg/s  [${rates.map((v) => v.toFixed(0)).join(', ')}]   (PEERS.md: ${sessions === 10 ? '234 (20 KB) / 233 (corpus)' : '249 (20 KB) / 212 (corpus)'})`,
      );
    }

    async function smtpSource(sessions: number, count: number): Promise<number> {
      const stack = peers as PostfixDovecot;
      const before = stack.delivered();
      const started = performance.now();
      // smtp-source takes one recipient; -r 1 keeps it as is. Spread over mailboxes with one
      // generator process per group of mailboxes would change the load shape, so: 10 mailboxes,
      // sessions/10 concurrent generators each.
      const groups = 10;
      const perGroup = Math.floor(count / groups);
      await Promise.all(
        Array.from({ length: groups }, (_, g) =>
          runAsync('smtp-source', [
            '-s',
            String(Math.max(1, sessions / groups)),
            '-m',
            String(g === groups - 1 ? count - perGroup * (groups - 1) : perGroup),
            '-F',
            file,
            '-f',
            SENDER,
            '-t',
            addresses[g * 10] as string,
            `127.0.0.1:${stack.smtpPort}`,
          ]),
        ),
      );
      await waitDelivered(stack, before + count);
      return count / ((performance.now() - started) / 1000);
    }
  }
} finally {
  await cleanup();
}
console.log(`\ntotal bench time ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
if (cpuProfDir) console.log(`Facteur CPU profile written to ${cpuProfDir} (open in Chrome DevTools)`);
console.log(
  'reproduce (as root, after apt-get install postfix dovecot-core dovecot-lmtpd dovecot-imapd): npm run build:server && npx tsx bench/smtp-vs-postfix.ts [messagesPerRun] [--no-smtp-source] [--cpu-prof=DIR]',
);

async function waitDelivered(stack: PostfixDovecot, target: number) {
  const deadline = Date.now() + 300_000;
  while (stack.delivered() < target) {
    if (Date.now() > deadline) throw new Error(`only ${stack.delivered()} of ${target} messages delivered`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function postconf(name: string): string {
  return spawnSync('postconf', ['-h', '-d', name], { encoding: 'utf8' }).stdout.trim();
}

async function runAsync(cmd: string, cmdArgs: string[]): Promise<void> {
  const { spawn } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => {
      err += String(c);
    });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}
