/**
 * Helpers for the benchmark scripts: spawn the built server on a fresh data directory, wait for a
 * quiet CPU, take medians. Benchmarks print figures; they are not tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
