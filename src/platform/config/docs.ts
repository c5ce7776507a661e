/** Renders docs/configuration.md from the configuration table (npm run docs:config). */
import { describeConfig } from './load.js';

export function renderConfigDocs(): string {
  const rows = describeConfig().map(
    (r) =>
      `| \`${r.env}\` | \`${r.key}\` | ${r.default === '' ? '—' : `\`${r.default}\``} | ${r.description} |`,
  );
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/platform/config/schema.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'Facteur reads each key from its environment variable first, then from the optional JSON file named by',
    '`FACTEUR_CONFIG` (keys as in the second column, e.g. `{ "httpPort": 8080 }`), then takes the default.',
    'A bad value stops the start with one line naming the key and what it expects, for example:',
    '',
    '```',
    'facteur: configuration error: FACTEUR_HTTP_PORT: expected an integer from 0 to 65535, got "eighty"',
    '```',
    '',
    'Secret values (`FACTEUR_ADMIN_PASSWORD`, `FACTEUR_SECRET_KEY`) are never echoed in such messages nor logged.',
    '',
    '| Environment variable | File key | Default | Meaning |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
