/**
 * Cold start of `facteur serve` on an empty data directory (first start: database, migrations,
 * certificate, domain, administrator) and warm start on an existing one, until /healthz answers.
 * Run after `npm run build`:  npx tsx bench/cold-start.ts [runs]
 */
import { median, spawnServer, waitForQuietCpu } from './lib.js';

const runs = Number(process.argv[2] ?? 5);
const cold: number[] = [];
const warm: number[] = [];
await waitForQuietCpu();
for (let i = 0; i <= runs; i++) {
  const first = await spawnServer();
  await first.stop();
  const second = await spawnServer({}, first.dataDir);
  await second.stop();
  // The first iteration warms the file cache and is not counted.
  if (i === 0) continue;
  cold.push(first.readyMs);
  warm.push(second.readyMs);
}
console.log(
  `cold start (empty data dir), median of ${runs}: ${median(cold).toFixed(0)} ms  [${cold.map((v) => v.toFixed(0)).join(', ')}]`,
);
console.log(
  `warm start (existing data dir), median of ${runs}: ${median(warm).toFixed(0)} ms  [${warm.map((v) => v.toFixed(0)).join(', ')}]`,
);
