import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors/index.js';
import {
  MAX_INDEXED_BODY_CHARS,
  MAX_INDEXED_FIELD_CHARS,
  MAX_QUERY_WORDS,
  MAX_WORD_CHARS,
  SEARCH_QUERY_TOO_LONG,
  type SearchDocument,
  type SearchIndex,
  type SearchQuery,
} from '../../src/store/search/index.js';
import { createPostgresSearchIndex } from '../../src/store/search/postgres-tsvector.js';
import { createSqliteSearchIndex } from '../../src/store/search/sqlite-fts5.js';
import { openTestDatabase, type TestBackend, type TestSqlStore, testBackends } from '../helpers/database.js';

const ACCOUNT_A = 'acc-a';
const ACCOUNT_B = 'acc-b';
const T0 = 1_750_000_000_000;
const FAST_CHECK_SEED = 20_250_901;

function createIndex(backend: TestBackend, store: TestSqlStore, textFirstMaxMatches?: number): SearchIndex {
  return backend === 'sqlite'
    ? createSqliteSearchIndex(store.db, textFirstMaxMatches)
    : createPostgresSearchIndex(store.db);
}

// SQLite answers a text search from the word's texts or from the account's documents, depending on
// how many texts match: both plans run the whole suite (0 forces the second).
const variants = testBackends().flatMap(
  (backend): { label: string; backend: TestBackend; textFirstMaxMatches: number | undefined }[] =>
    backend === 'sqlite'
      ? [
          { label: 'sqlite, texts first', backend, textFirstMaxMatches: undefined },
          { label: 'sqlite, account first', backend, textFirstMaxMatches: 0 },
        ]
      : [{ label: backend, backend, textFirstMaxMatches: undefined }],
);

let sequence = 0;
function buildDocument(overrides: Partial<SearchDocument> = {}): SearchDocument {
  sequence += 1;
  return {
    accountId: ACCOUNT_A,
    messageId: `m${sequence}`,
    bodyKey: `body-${sequence}`,
    subject: '',
    from: '',
    to: '',
    body: '',
    attachmentNames: '',
    receivedAt: T0 + sequence,
    ...overrides,
  };
}

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe.each(variants)('search index on $label', ({ backend, textFirstMaxMatches }) => {
  let store: TestSqlStore;
  let search: SearchIndex;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
    search = createIndex(backend, store, textFirstMaxMatches);
    await search.ensureSchema();
  });

  afterEach(async () => {
    await store.close();
  });

  /** Ids found in account A, sorted, for tests about matching rather than order. */
  async function found(criteria: Omit<SearchQuery, 'accountId' | 'limit'>): Promise<string[]> {
    const ids = await search.search({ accountId: ACCOUNT_A, limit: 1_000, ...criteria });
    return ids.sort();
  }

  it('creates its schema idempotently, also from two callers at once, keeping documents', async () => {
    await search.index(buildDocument({ messageId: 'kept', subject: 'conservé' }));
    await search.ensureSchema();
    await Promise.all([search.ensureSchema(), createIndex(backend, store).ensureSchema()]);
    expect(await found({ text: 'conserve' })).toEqual(['kept']);
  });

  it('ignores case and accents: École, élève, Noël', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'ecole', subject: 'Rentrée à l’École primaire' }),
      buildDocument({ messageId: 'eleve', body: 'Liste des élèves de CM2' }),
      buildDocument({ messageId: 'noel', from: 'Noël Lefèvre <noel.lefevre@ac-test.fr>' }),
      buildDocument({ messageId: 'upper', subject: 'ÉCOLE MATERNELLE' }),
    ]);
    expect(await found({ text: 'ecole' })).toEqual(['ecole', 'upper']);
    expect(await found({ text: 'École' })).toEqual(['ecole', 'upper']);
    expect(await found({ text: 'ÉCOLE' })).toEqual(['ecole', 'upper']);
    expect(await found({ text: 'ELEVE' })).toEqual([]);
    expect(await found({ text: 'ELEVES' })).toEqual(['eleve']);
    expect(await found({ text: 'élèves' })).toEqual(['eleve']);
    expect(await found({ text: 'noel' })).toEqual(['noel']);
    expect(await found({ text: 'NOËL lefevre' })).toEqual(['noel']);
    expect(await found({ text: 'rentree' })).toEqual(['ecole']);
  });

  it('finds élève from ELEVE and does not stem plurals', async () => {
    await search.index(buildDocument({ messageId: 'singular', body: 'un élève absent' }));
    expect(await found({ text: 'ELEVE' })).toEqual(['singular']);
    expect(await found({ text: 'eleves' })).toEqual([]);
  });

  it('folds the ligatures œ and æ both ways', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'ligature', subject: 'Chef-d’Œuvre et cœur', body: 'ex æquo' }),
      buildDocument({ messageId: 'plain', body: 'une oeuvre, un coeur, ex aequo' }),
    ]);
    for (const query of ['oeuvre', 'œuvre', 'ŒUVRE', 'OEUVRE', 'coeur', 'cœur', 'aequo', 'æquo']) {
      expect(await found({ text: query }), query).toEqual(['ligature', 'plain']);
    }
  });

  it('requires every word of a criterion (AND)', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'parents', subject: 'Réunion parents-professeurs' }),
      buildDocument({ messageId: 'conseil', subject: 'Réunion', body: 'du conseil de classe' }),
    ]);
    expect(await found({ text: 'reunion' })).toEqual(['conseil', 'parents']);
    expect(await found({ text: 'reunion conseil' })).toEqual(['conseil']);
    expect(await found({ text: 'reunion professeurs' })).toEqual(['parents']);
    expect(await found({ text: 'parents conseil' })).toEqual([]);
  });

  it('requires every criterion (AND across fields)', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'both', subject: 'budget', from: 'Intendance' }),
      buildDocument({ messageId: 'subject-only', subject: 'budget', from: 'Direction' }),
    ]);
    expect(await found({ subject: 'budget', from: 'intendance' })).toEqual(['both']);
    expect(await found({ text: 'budget', from: 'direction' })).toEqual(['subject-only']);
  });

  it('matches quoted phrases as phrases, within one field only', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'phrase', body: 'le conseil de classe se réunit' }),
      buildDocument({ messageId: 'scattered', body: 'classe de conseil' }),
      buildDocument({ messageId: 'split', subject: 'Conseil', body: 'de classe' }),
    ]);
    expect(await found({ text: '"conseil de classe"' })).toEqual(['phrase']);
    expect(await found({ text: 'conseil de classe' })).toEqual(['phrase', 'scattered', 'split']);
    expect(await found({ text: '"CONSEIL DE"' })).toEqual(['phrase']);
    expect(await found({ text: '"conseil de' })).toEqual(['phrase']);
    expect(await found({ text: 'reunit "de classe"' })).toEqual(['phrase']);
    expect(await found({ body: '"de classe"' })).toEqual(['phrase', 'split']);
  });

  it('treats a chunk of several words (hyphen, apostrophe, address) as a phrase', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'jean-paul', from: 'Jean-Paul Martin <jp.martin@ac-test.fr>' }),
      buildDocument({ messageId: 'paul-jean', from: 'Paul Jean <pjean@ac-test.fr>' }),
    ]);
    expect(await found({ from: 'jean-paul' })).toEqual(['jean-paul']);
    expect(await found({ from: 'jean paul' })).toEqual(['jean-paul', 'paul-jean']);
    expect(await found({ text: 'jp.martin@ac-test.fr' })).toEqual(['jean-paul']);
    expect(await found({ text: 'martin@ac-test.fr' })).toEqual(['jean-paul']);
    expect(await found({ text: 'ac-test.fr' })).toEqual(['jean-paul', 'paul-jean']);
    expect(await found({ text: 'martin.paul' })).toEqual([]);
  });

  const columns = [
    ['subject', 'subject'],
    ['from', 'from'],
    ['to', 'to'],
    ['body', 'body'],
    ['attachmentName', 'attachmentNames'],
  ] as const;

  it.each(columns)('restricts %s to its own field', async (criterion, field) => {
    const inField = buildDocument({ messageId: 'in-field', [field]: 'Tournesol' });
    const elsewhere = buildDocument({ messageId: 'elsewhere' });
    for (const [, other] of columns) if (other !== field) elsewhere[other] = 'tournesol';
    await search.indexMany([inField, elsewhere]);
    expect(await found({ [criterion]: 'TOURNESOL' })).toEqual(['in-field']);
    expect(await found({ text: 'tournesol' })).toEqual(['elsewhere', 'in-field']);
  });

  it('splits attachment names on punctuation: rapport_2025.pdf is rapport, 2025, pdf', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'report', attachmentNames: 'rapport_2025.pdf Annexe-B.xlsx' }),
      buildDocument({ messageId: 'other', attachmentNames: 'rapport_2024.pdf' }),
    ]);
    expect(await found({ attachmentName: 'rapport' })).toEqual(['other', 'report']);
    expect(await found({ attachmentName: '2025' })).toEqual(['report']);
    expect(await found({ attachmentName: 'rapport_2025.pdf' })).toEqual(['report']);
    expect(await found({ attachmentName: 'RAPPORT_2025' })).toEqual(['report']);
    expect(await found({ attachmentName: 'annexe-b' })).toEqual(['report']);
    expect(await found({ attachmentName: '2025_rapport' })).toEqual([]);
    expect(await found({ text: 'xlsx' })).toEqual(['report']);
  });

  it('never returns another account’s documents, whatever the query', async () => {
    const shared = {
      subject: 'Conseil',
      body: 'ordre du jour',
      from: 'Proviseur',
      attachmentNames: 'pv.pdf',
    };
    await search.indexMany([
      buildDocument({ accountId: ACCOUNT_A, messageId: 'same-id', ...shared }),
      buildDocument({ accountId: ACCOUNT_B, messageId: 'same-id', ...shared }),
      buildDocument({ accountId: ACCOUNT_B, messageId: 'b-only', ...shared, receivedAt: T0 + 10_000_000 }),
    ]);
    expect(await found({})).toEqual(['same-id']);
    expect(await found({ text: 'conseil' })).toEqual(['same-id']);
    expect(await found({ messageIds: ['b-only', 'same-id'] })).toEqual(['same-id']);
    expect(await found({ text: 'pdf', messageIds: ['b-only'] })).toEqual([]);
    expect(await search.search({ accountId: ACCOUNT_B, text: 'conseil', limit: 10 })).toEqual([
      'b-only',
      'same-id',
    ]);
    expect(await search.search({ accountId: 'acc-c', limit: 10 })).toEqual([]);
  });

  async function storedTexts(): Promise<number> {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from search_body`.execute(
      store.db,
    );
    return Number(rows[0]?.n);
  }

  it('stores a text shared by several accounts once, and drops it with its last document', async () => {
    const text = { subject: 'Circulaire de rentrée', body: 'à tous les personnels', bodyKey: 'blob-shared' };
    await search.indexMany([
      buildDocument({ accountId: ACCOUNT_A, messageId: 'ma', ...text }),
      buildDocument({ accountId: ACCOUNT_B, messageId: 'mb', ...text }),
    ]);
    // Same key, other text: the key names the text, the first indexed one stays.
    await search.index(
      buildDocument({ accountId: 'acc-c', messageId: 'mc', ...text, subject: 'ignoré', body: 'ignoré' }),
    );
    expect(await storedTexts()).toBe(1);
    for (const accountId of [ACCOUNT_A, ACCOUNT_B, 'acc-c']) {
      expect(await search.search({ accountId, text: 'circulaire personnels', limit: 10 })).toHaveLength(1);
      expect(await search.search({ accountId, text: 'ignore', limit: 10 })).toEqual([]);
    }
    await search.remove(ACCOUNT_A, ['ma']);
    await search.remove('acc-c', ['mc']);
    expect(await storedTexts()).toBe(1);
    expect(await found({ text: 'circulaire' })).toEqual([]);
    expect(await search.search({ accountId: ACCOUNT_B, text: 'circulaire', limit: 10 })).toEqual(['mb']);
    await search.remove(ACCOUNT_B, ['mb']);
    expect(await storedTexts()).toBe(0);
  });

  it('writes within the caller’s transaction: a rollback leaves nothing indexed', async () => {
    const failure = new Error('delivery failed after indexing');
    const outcome = await errorOf(() =>
      store.db.transaction().execute(async (trx) => {
        await search.index(buildDocument({ messageId: 'rolled-back', subject: 'annulé' }), trx);
        throw failure;
      }),
    );
    expect(outcome).toBe(failure);
    expect(await found({})).toEqual([]);
    expect(await storedTexts()).toBe(0);
    await store.db.transaction().execute(async (trx) => {
      await search.index(buildDocument({ messageId: 'committed', subject: 'validé' }), trx);
    });
    expect(await found({ text: 'valide' })).toEqual(['committed']);
  });

  it('says when its tables were created, and rebuilds tables of an older version empty', async () => {
    const other = await openTestDatabase(backend);
    try {
      const fresh = createIndex(backend, other);
      expect(await fresh.ensureSchema()).toEqual({ created: true });
      await fresh.index(buildDocument({ messageId: 'old', subject: 'ancien format' }));
      expect(await fresh.ensureSchema()).toEqual({ created: false });
      await sql`update search_meta set value = '1' where name = 'schema_version'`.execute(other.db);
      expect(await fresh.ensureSchema()).toEqual({ created: true });
      expect(await fresh.search({ accountId: ACCOUNT_A, limit: 10 })).toEqual([]);
      await sql`update search_meta set value = '999' where name = 'schema_version'`.execute(other.db);
      const refused = await errorOf(() => fresh.ensureSchema());
      expect(refused).toMatchObject({ code: 'search.schema_version' });
    } finally {
      await other.close();
    }
  });

  it('keeps accounts apart when replacing and removing the same message id', async () => {
    await search.indexMany([
      buildDocument({ accountId: ACCOUNT_A, messageId: 'm', subject: 'alpha' }),
      buildDocument({ accountId: ACCOUNT_B, messageId: 'm', subject: 'alpha' }),
    ]);
    await search.index(buildDocument({ accountId: ACCOUNT_A, messageId: 'm', subject: 'beta' }));
    expect(await search.search({ accountId: ACCOUNT_B, text: 'alpha', limit: 10 })).toEqual(['m']);
    await search.remove(ACCOUNT_A, ['m']);
    expect(await found({})).toEqual([]);
    expect(await search.search({ accountId: ACCOUNT_B, subject: 'alpha', limit: 10 })).toEqual(['m']);
  });

  it('replaces a document indexed again, including its date', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'first', subject: 'ancien', receivedAt: T0 + 1 }),
      buildDocument({ messageId: 'second', subject: 'ancien', receivedAt: T0 + 2 }),
    ]);
    await search.index(buildDocument({ messageId: 'first', subject: 'nouveau', receivedAt: T0 + 3 }));
    expect(await found({ text: 'ancien' })).toEqual(['second']);
    expect(await found({ text: 'nouveau' })).toEqual(['first']);
    expect(await search.search({ accountId: ACCOUNT_A, limit: 10 })).toEqual(['first', 'second']);
  });

  it('keeps the last of duplicate ids in one indexMany', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'dup', subject: 'premier' }),
      buildDocument({ messageId: 'dup', subject: 'dernier' }),
    ]);
    expect(await found({ text: 'premier' })).toEqual([]);
    expect(await found({ text: 'dernier' })).toEqual(['dup']);
  });

  it('removes documents, ignoring unknown ids and an empty list', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'a', subject: 'sortie' }),
      buildDocument({ messageId: 'b', subject: 'sortie' }),
      buildDocument({ messageId: 'c', subject: 'sortie' }),
    ]);
    await search.remove(ACCOUNT_A, ['a', 'c', 'unknown']);
    await search.remove(ACCOUNT_A, []);
    expect(await found({ text: 'sortie' })).toEqual(['b']);
    await search.index(buildDocument({ messageId: 'a', subject: 'retour' }));
    expect(await found({ text: 'retour' })).toEqual(['a']);
    expect(await found({ text: 'sortie' })).toEqual(['b']);
  });

  it('returns the newest first, ties by message id, at most limit', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'm2', subject: 'note', receivedAt: T0 + 200 }),
      buildDocument({ messageId: 'm1', subject: 'note', receivedAt: T0 + 100 }),
      buildDocument({ messageId: 'm4', subject: 'note', receivedAt: T0 + 400 }),
      buildDocument({ messageId: 'm3b', subject: 'note', receivedAt: T0 + 300 }),
      buildDocument({ messageId: 'm3a', subject: 'note', receivedAt: T0 + 300 }),
      buildDocument({ messageId: 'late', subject: 'note', receivedAt: 4_102_444_800_000 }),
    ]);
    const query = { accountId: ACCOUNT_A, text: 'note' };
    expect(await search.search({ ...query, limit: 10 })).toEqual(['late', 'm4', 'm3b', 'm3a', 'm2', 'm1']);
    expect(await search.search({ ...query, limit: 2 })).toEqual(['late', 'm4']);
    expect(await search.search({ ...query, limit: 0 })).toEqual([]);
    expect(await search.search({ accountId: ACCOUNT_A, limit: 3 })).toEqual(['late', 'm4', 'm3b']);
  });

  it('refuses a negative, fractional or NaN limit and an empty account id', async () => {
    for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await errorOf(() => search.search({ accountId: ACCOUNT_A, limit }))).toBeInstanceOf(RangeError);
    }
    expect(await errorOf(() => search.search({ accountId: '', limit: 1 }))).toBeInstanceOf(RangeError);
  });

  it('refuses a document with an invalid date or empty ids', async () => {
    const bad = [
      { receivedAt: Number.NaN },
      { receivedAt: 1.5 },
      { messageId: '' },
      { accountId: '' },
      { bodyKey: '' },
    ];
    for (const overrides of bad) {
      expect(await errorOf(() => search.index(buildDocument(overrides)))).toBeInstanceOf(RangeError);
    }
  });

  it('restricts to the given message ids, also a list longer than any parameter limit', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'x1', subject: 'agenda' }),
      buildDocument({ messageId: 'x2', subject: 'agenda' }),
      buildDocument({ messageId: 'x3', subject: 'autre' }),
    ]);
    expect(await found({ messageIds: ['x1', 'x3'] })).toEqual(['x1', 'x3']);
    expect(await found({ text: 'agenda', messageIds: ['x1', 'x3'] })).toEqual(['x1']);
    expect(await found({ messageIds: [] })).toEqual([]);
    const many = Array.from({ length: 70_000 }, (_, i) => `x${i}`);
    expect(await found({ text: 'agenda', messageIds: many })).toEqual(['x1', 'x2']);
  });

  it('matches nothing for a criterion without words, everything for no criterion', async () => {
    await search.index(buildDocument({ messageId: 'doc', subject: 'bonjour !!!', body: '***' }));
    expect(await found({})).toEqual(['doc']);
    for (const empty of ['', '   ', '!!!', '***', '""', '"', '—']) {
      expect(await found({ text: empty }), JSON.stringify(empty)).toEqual([]);
    }
    expect(await found({ text: 'bonjour', subject: '!!!' })).toEqual([]);
  });

  it('treats query syntax of either engine as plain words', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'and', subject: 'AND OR NOT NEAR' }),
      buildDocument({ messageId: 'subject', body: 'subject x' }),
      buildDocument({ messageId: 'plain', subject: 'ecole' }),
      buildDocument({ accountId: ACCOUNT_B, messageId: 'other', subject: 'AND OR NOT NEAR ecole subject x' }),
    ]);
    const hostile = [
      '"',
      '""""',
      'AND OR NEAR(',
      '*',
      'ecole*',
      'subject:x',
      'subject : x',
      '{subject sender}: ecole',
      '^ecole',
      'NOT ecole',
      '- ecole',
      'ecole | x',
      'ecole & !x',
      "ecole <-> x:* 'x'",
      'NEAR(ecole x, 2)',
      'account_id',
      "'; drop table search_document; --",
      '\u0000ecole',
    ];
    for (const text of hostile) {
      const ids = await found({ text });
      expect(
        ids.every((id) => ['and', 'subject', 'plain'].includes(id)),
        text,
      ).toBe(true);
    }
    expect(await found({ text: 'AND OR NEAR(' })).toEqual(['and']);
    expect(await found({ text: 'subject:x' })).toEqual(['subject']);
    expect(await found({ text: 'ecole*' })).toEqual(['plain']);
    expect(await found({ text: 'NOT ecole' })).toEqual([]);
  });

  it('never throws on arbitrary queries nor returns another account’s ids (property)', async () => {
    await search.indexMany([
      buildDocument({ messageId: 'a1', subject: 'École', body: 'AND OR NEAR * " : ^' }),
      buildDocument({ messageId: 'a2', body: 'le conseil de classe' }),
    ]);
    const fragment = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('"', 'AND', 'OR', 'NOT', 'NEAR(', ')', '*', ':', 'subject:', '^', '-', '+', '{', '}'),
      fc.constantFrom('&', '|', '!', '<->', ':*', "'", '\\', '\u0000', 'école', 'classe', ' ', '\n'),
    );
    const hostileString = fc.array(fragment, { maxLength: 8 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(hostileString, hostileString, async (text, subject) => {
        // The other account holds exactly the words asked for, so a leak would be found.
        await search.index(
          buildDocument({ accountId: ACCOUNT_B, messageId: 'b', subject: `${text} ${subject}`, body: text }),
        );
        const ids = await search.search({ accountId: ACCOUNT_A, text, subject, limit: 10 });
        expect(ids.every((id) => id === 'a1' || id === 'a2')).toBe(true);
      }),
      { seed: FAST_CHECK_SEED, numRuns: 150 },
    );
  });

  it('finds any indexed French-like text by searching that same text (property)', async () => {
    const alphabet = fc.constantFrom(...'aeiouléèçœÆÉ ÀÇ-\'’"._@*:()0129 ', 'AND', 'NEAR', 'OR');
    const text = fc.array(alphabet, { minLength: 1, maxLength: 30 }).map((parts) => parts.join(''));
    let run = 0;
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        run += 1;
        const messageId = `p${run}`;
        await search.index(buildDocument({ messageId, subject: value, body: `x ${value} y` }));
        const ids = await search.search({ accountId: ACCOUNT_A, text: value, limit: 1_000 });
        const hasWords = /[\p{L}\p{N}]/u.test(value);
        expect(ids.includes(messageId)).toBe(hasWords);
        const inSubject = await search.search({ accountId: ACCOUNT_A, subject: value, limit: 1_000 });
        expect(inSubject.includes(messageId)).toBe(hasWords);
      }),
      { seed: FAST_CHECK_SEED, numRuns: 100 },
    );
  });

  it(`accepts ${MAX_QUERY_WORDS} words in a query and refuses one more`, async () => {
    const words = (count: number) => Array.from({ length: count }, (_, i) => `w${i}`).join(' ');
    await expect(found({ text: words(MAX_QUERY_WORDS) })).resolves.toEqual([]);
    const err = await errorOf(() => found({ text: words(MAX_QUERY_WORDS - 1), subject: 'a b' }));
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe(SEARCH_QUERY_TOO_LONG);
  });

  it(`indexes words of ${MAX_WORD_CHARS} characters, not longer ones`, async () => {
    const atCap = 'a'.repeat(MAX_WORD_CHARS);
    const overCap = 'b'.repeat(MAX_WORD_CHARS + 1);
    await search.index(buildDocument({ messageId: 'long', body: `debut ${atCap} ${overCap} fin` }));
    expect(await found({ text: atCap })).toEqual(['long']);
    expect(await found({ text: overCap })).toEqual([]);
    expect(await found({ text: `debut ${overCap}` })).toEqual([]);
    expect(await found({ body: '"debut fin"' })).toEqual([]);
  });

  it(`indexes the first ${MAX_INDEXED_BODY_CHARS} body characters, not one more`, async () => {
    const filler = (chars: number) => 'lorem '.repeat(Math.ceil(chars / 6)).slice(0, chars);
    const word = 'cible';
    await search.indexMany([
      buildDocument({
        messageId: 'at-cap',
        body: `${filler(MAX_INDEXED_BODY_CHARS - word.length - 1)} ${word}`,
      }),
      buildDocument({
        messageId: 'over-cap',
        body: `${filler(MAX_INDEXED_BODY_CHARS - word.length)} ${word}`,
      }),
    ]);
    expect(await found({ body: word })).toEqual(['at-cap']);
    expect(await found({ body: 'cibl' })).toEqual(['over-cap']);
  });

  it(`indexes the first ${MAX_INDEXED_FIELD_CHARS} characters of header fields, not one more`, async () => {
    const filler = (chars: number) => 'dest '.repeat(Math.ceil(chars / 5)).slice(0, chars);
    await search.indexMany([
      buildDocument({ messageId: 'at-cap', to: `${filler(MAX_INDEXED_FIELD_CHARS - 4)} zed` }),
      buildDocument({ messageId: 'over-cap', to: `${filler(MAX_INDEXED_FIELD_CHARS - 3)} zed` }),
    ]);
    expect(await found({ to: 'zed' })).toEqual(['at-cap']);
  });

  it('indexes a megabyte of distinct tokens without exceeding PostgreSQL’s tsvector size', async () => {
    const tokens: string[] = [];
    for (let i = 0, length = 0; length < MAX_INDEXED_BODY_CHARS; i++) {
      const token = `k${i.toString(16).padStart(12, '0')}`;
      tokens.push(token);
      length += token.length + 1;
    }
    await search.index(buildDocument({ messageId: 'dump', body: tokens.join(' ') }));
    expect(await found({ body: tokens[0] })).toEqual(['dump']);
    expect(await found({ body: tokens[20_000] })).toEqual(['dump']);
    expect(await found({ body: tokens.at(-1) })).toEqual([]);
  });

  it('indexes 2 000 documents in one indexMany and searches them', async () => {
    const docs = Array.from({ length: 2_000 }, (_, i) =>
      buildDocument({
        messageId: `bulk-${String(i).padStart(4, '0')}`,
        receivedAt: T0 + i * 1_000,
        subject: `Message ${i} ${i % 10 === 0 ? 'dixième' : 'ordinaire'}`,
        from: `Expéditeur ${i % 7} <user${i % 7}@ac-test.fr>`,
        body: `Corps du message numéro ${i}. ${'Texte de remplissage. '.repeat(20)}`,
      }),
    );
    await search.indexMany(docs);
    const tenth = await search.search({ accountId: ACCOUNT_A, text: 'dixieme', limit: 1_000 });
    expect(tenth).toHaveLength(200);
    expect(tenth.slice(0, 3)).toEqual(['bulk-1990', 'bulk-1980', 'bulk-1970']);
    expect(await search.search({ accountId: ACCOUNT_A, from: 'user3@ac-test.fr', limit: 5 })).toEqual([
      'bulk-1998',
      'bulk-1991',
      'bulk-1984',
      'bulk-1977',
      'bulk-1970',
    ]);
    expect(await found({ text: '"numero 1234"' })).toEqual(['bulk-1234']);
    expect(await search.search({ accountId: ACCOUNT_B, text: 'message', limit: 10 })).toEqual([]);
  });
});
