/**
 * Sign-in throughput: POST /api/session with a correct password, argon2id at the configured cost
 * (default m=19456 KiB, t=2, p=1), measured with autocannon; and, for reference, raw argon2id
 * verifications per second on the same machine (the floor the HTTP path cannot beat).
 * Run after `npm run build`:  npx tsx bench/sign-in.ts [seconds] [connections]
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import autocannon from 'autocannon';
import { median, ROOT, spawnServer, waitForQuietCpu } from './lib.js';

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 10);
const memoryKib = Number(process.env.FACTEUR_ARGON2_MEMORY_KIB ?? 19_456);
const timeCost = Number(process.env.FACTEUR_ARGON2_TIME_COST ?? 2);
const password = 'Cadran-Solaire-Ete-42!';

const server = await spawnServer({
  FACTEUR_ADMIN_PASSWORD: password,
  FACTEUR_CLIENT_THROTTLE_FAILURES: '100000',
});
try {
  const cli = spawnSync(process.execPath, [join(ROOT, 'bin/facteur.js'), 'user', 'list', '--json'], {
    env: { ...process.env, FACTEUR_DATA_DIR: server.dataDir },
    encoding: 'utf8',
  });
  if (cli.status !== 0) throw new Error(cli.stderr);
  const csrf = 'benchcsrftoken';
  const body = JSON.stringify({ login: 'admin', password });
  await waitForQuietCpu();
  const runs: autocannon.Result[] = [];
  for (let i = 0; i < 3; i++) {
    runs.push(
      await autocannon({
        url: `http://127.0.0.1:${server.port}/api/session`,
        method: 'POST',
        connections,
        duration: seconds,
        headers: { 'content-type': 'application/json', cookie: `facteur_csrf=${csrf}`, 'x-csrf-token': csrf },
        body,
      }),
    );
  }
  const rps = runs.map((r) => r.requests.average);
  const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  console.log(
    `sign-in, argon2id m=${memoryKib} KiB t=${timeCost} p=1, ${connections} connections, ${seconds} s x3`,
  );
  console.log(`  requests/s median: ${median(rps).toFixed(1)}  [${rps.map((v) => v.toFixed(1)).join(', ')}]`);
  console.log(
    `  latency p50 ${median(runs.map((r) => r.latency.p50))} ms, p99 ${median(runs.map((r) => r.latency.p99))} ms, non-2xx or errors: ${bad}`,
  );
} finally {
  await server.stop();
}

// Reference: raw argon2id verifications/s with the same cost, as many in flight as libuv threads.
const stored = await hash(password, { algorithm: 2, memoryCost: memoryKib, timeCost, parallelism: 1 });
const started = performance.now();
let done = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (performance.now() - started < seconds * 1000) {
      await verify(stored, password);
      done++;
    }
  }),
);
const raw = done / ((performance.now() - started) / 1000);
console.log(`raw argon2id verify/s, same cost, 4 in flight: ${raw.toFixed(1)}`);
