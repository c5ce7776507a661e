/** Writes docs/configuration.md from the configuration schema. */
import { writeFileSync } from 'node:fs';
import { renderConfigDocs } from '../src/platform/config/index.js';

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigDocs());
