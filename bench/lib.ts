/**
 * Helpers for the benchmark scripts: spawn the built server on a fresh data directory, wait for a
 * quiet CPU, take medians. Benchmarks print figures; they are not tests.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

export interface SpawnedServer {
  child: ChildProcess;
  port: number;
  dataDir: string;
  readyMs: number;
  /** What the server wrote on stdout so far (JSON log lines). */
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `facteur serve` and resolves once /healthz answers; readyMs counts from spawn. */
export async function spawnServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'facteur-bench-')),
): Promise<SpawnedServer> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(ROOT, 'bin/facteur.js'), 'serve'], {
    env: {
      ...process.env,
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_HTTP_PORT: '0',
      FACTEUR_SMTP_PORT: '0',
      FACTEUR_SUBMISSION_PORT: '0',
      FACTEUR_SUBMISSIONS_PORT: '0',
      FACTEUR_IMAP_PORT: '0',
      FACTEUR_IMAPS_PORT: '0',
      FACTEUR_LISTEN_HOST: '127.0.0.1',
      FACTEUR_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stderr?.on('data', (chunk) => {
      buffer += String(chunk);
      const match = /ready on http:\/\/localhost:(\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buffer}`)));
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
  }
  const readyMs = performance.now() - started;
  return {
    child,
    port,
    dataDir,
    readyMs,
    stdout: () => stdout,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Waits until the CPU is under 15 % busy over 3 s (PEERS.md), at most 60 s. */
export async function waitForQuietCpu(): Promise<void> {
  const sample = () => {
    const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const a = sample();
    await new Promise((r) => setTimeout(r, 3000));
    const b = sample();
    const busy = 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (busy < 0.15) return;
  }
}

// ---------------------------------------------------------------------------------------------
// Added for smtp-vs-postfix.ts, broadcast.ts, search-latency.ts (additive only).

export interface OfflineServer {
  child: ChildProcess;
  httpPort: number;
  smtpPort: number;
  /** The cleartext/STARTTLS IMAP port. */
  imapPort: number;
  /** The implicit-TLS IMAP port (self-signed certificate). */
  imapsPort: number;
  dataDir: string;
  /** The server's JSON log (its stdout) goes to this file, so the bench process does not read it. */
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the built server (bench/serve-offline.mjs: `facteur serve` with DNS answered NXDOMAIN at
 * once) on `dataDir`, ephemeral ports on 127.0.0.1; resolves once SMTP and HTTP listen.
 * `nodeArgs` e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'].
 */
export async function spawnOfflineServer(
  env: Record<string, string> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'facteur-bench-')),
  nodeArgs: string[] = [],
): Promise<OfflineServer> {
  const logFile = join(dataDir, '..', `${basename(dataDir)}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bench/serve-offline.mjs')], {
    env: {
      ...process.env,
      FACTEUR_DATA_DIR: dataDir,
      FACTEUR_HTTP_PORT: '0',
      FACTEUR_SMTP_PORT: '0',
      // Every listener on an ephemeral port, whichever of them this version has.
      FACTEUR_SUBMISSION_PORT: '0',
      FACTEUR_SUBMISSIONS_PORT: '0',
      FACTEUR_IMAP_PORT: '0',
      FACTEUR_IMAPS_PORT: '0',
      FACTEUR_MANAGESIEVE_PORT: '0',
      FACTEUR_LISTEN_HOST: '127.0.0.1',
      FACTEUR_LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  const ports = await new Promise<{
    httpPort: number;
    smtpPort: number;
    imapPort: number;
    imapsPort: number;
  }>((resolve, reject) => {
    let buffer = '';
    child.stderr?.on('data', (chunk) => {
      buffer += String(chunk);
      const match = /\{"ready":true.*\}/.exec(buffer);
      if (match) resolve(JSON.parse(match[0]));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buffer}`)));
  });
  return {
    child,
    ...ports,
    dataDir,
    logFile,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Samples VmRSS of a process every `everyMs`; `peak()` in bytes. */
export function rssSampler(pid: number, everyMs = 100): { peak(): number; stop(): void } {
  let peak = 0;
  const sample = () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // exited
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => {
      sample();
      return peak;
    },
    stop: () => clearInterval(timer),
  };
}

/** The p-quantile (0…1) by nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

/** Bytes allocated on disk under `path` (like `du -s --block-size=1`), and the apparent size. */
export function diskUsage(path: string): { allocated: number; apparent: number; files: number } {
  const total = { allocated: 0, apparent: 0, files: 0 };
  const walk = (p: string) => {
    const st = lstatSync(p);
    total.allocated += st.blocks * 512;
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) walk(join(p, name));
    } else {
      total.apparent += st.size;
      total.files++;
    }
  };
  if (existsSync(path)) walk(path);
  return total;
}

/**
 * The SpamAssassin corpus messages (test/corpus), mbox envelope line stripped, CRLF as on the wire.
 */
export async function loadCorpusMessages(limit = Number.POSITIVE_INFINITY): Promise<Buffer[]> {
  const { listCorpusFiles } = await import('../test/corpus/corpus-files.js');
  return listCorpusFiles()
    .slice(0, limit)
    .map((file) => {
      let text = readFileSync(file).toString('latin1');
      if (text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
      return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
    });
}

export const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Added for imap-vs-dovecot.ts and imap-idle-memory.ts (additive only).

/** `pid` and all its descendants, from the ppid field of /proc/PID/stat. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields after the last ") " are safe.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // exited while listing
    }
  }
  const tree: number[] = [];
  const walk = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) walk(child);
  };
  walk(pid);
  return tree;
}

/**
 * Proportional set size (KiB) of `pid` and its descendants, from /proc/PID/smaps_rollup: shared pages
 * (the binary, libraries, a forking server's copy-on-write pages) are split between the processes
 * mapping them, so the sum over a tree of forked workers does not count them once per process.
 */
export function pssTreeKib(pid: number): { kib: number; processes: number } {
  let kib = 0;
  let processes = 0;
  for (const p of processTree(pid)) {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      kib += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0);
      processes++;
    } catch {
      // exited
    }
  }
  return { kib, processes };
}

/** The soft and hard RLIMIT_NOFILE of this process, from /proc/self/limits. */
export function openFilesLimit(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const value = (v: string | undefined) => (v === 'unlimited' ? Number.POSITIVE_INFINITY : Number(v));
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

/**
 * Which Facteur the bench ran: the servers load dist/, which `npm run build` rewrites while src/
 * moves on, so a figure is only meaningful with the build it came from.
 */
export function facteurBuild(): string {
  const built = statSync(join(ROOT, 'dist/src/app/serve.js')).mtime.toISOString().slice(0, 19);
  const head = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return `dist/ built ${built}Z, git HEAD ${head.stdout.trim() || 'unknown'}`;
}
