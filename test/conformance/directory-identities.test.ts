/**
 * Storage of 0008 on SQLite and PostgreSQL: the directory search (folded names, address prefix,
 * tenant and status filters, limit) and the identities repository (override upsert, tombstones).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directoryKey, foldedWords } from '../../src/store/sql/directory-key.js';
import {
  destroyIdentity,
  findIdentityRows,
  insertEstablishment,
  insertIdentity,
  searchDirectory,
  updateAccount,
  updateIdentity,
  upsertIdentityOverride,
} from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { createAccount, type Directory, seedDirectory, T0 } from './directory-factories.js';

describe.each(testBackends())('directory search and identities on %s', (backend) => {
  let store: TestSqlStore;
  let directory: Directory;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
    directory = await seedDirectory(store.db);
  });

  afterEach(async () => {
    await store.close();
  });

  const search = (query: string, limit = 20, organisationId = directory.organisation.id) =>
    searchDirectory(store.db, { organisationId, query, limit });

  it('finds people by a prefix of any of their names, accents and case ignored', async () => {
    const college = await insertEstablishment(store.db, {
      id: randomUUID(),
      organisation_id: directory.organisation.id,
      name: 'Collège Jean Moulin',
      uai: '0750001A',
      created_at: T0,
    });
    await createAccount(store.db, directory, {
      identifier: 'eberengerlevy',
      address: 'eloise.berenger-levy@ac-test.fr',
      first_name: 'Éloïse',
      last_name: 'Bérenger-Lévy',
      establishment_id: college.id,
    });
    await createAccount(store.db, directory, { identifier: 'sdupont', address: 'sylvie.dupont@ac-test.fr' });
    for (const query of ['bere', 'BÉRE', 'levy', 'eloise', 'Éloïse Bér', 'lévy élo']) {
      expect(
        (await search(query)).map((m) => m.address),
        query,
      ).toEqual(['eloise.berenger-levy@ac-test.fr']);
    }
    expect(await search('lévy')).toEqual([
      {
        firstName: 'Éloïse',
        lastName: 'Bérenger-Lévy',
        address: 'eloise.berenger-levy@ac-test.fr',
        establishment: 'Collège Jean Moulin',
      },
    ]);
    // Address prefix; a letter inside a word is no prefix.
    expect((await search('sylvie.d')).map((m) => m.address)).toEqual(['sylvie.dupont@ac-test.fr']);
    expect(await search('upont')).toEqual([]);
    // LIKE wildcards are literal.
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });

  it('finds, for any typed text, only people whose name words or address start as it says', async () => {
    await createAccount(store.db, directory, {
      identifier: 'eberengerlevy',
      address: 'eloise.berenger-levy@ac-test.fr',
      first_name: 'Éloïse',
      last_name: 'Bérenger-Lévy',
    });
    await createAccount(store.db, directory, { identifier: 'sdupont', address: 'sylvie.dupont@ac-test.fr' });
    // Letters of those names, accents, LIKE wildcards and escapes, separators.
    const typed = fc.string({
      unit: fc.constantFrom(...'eloisbrglvyduptÉéï%_\\ .-@'.split('')),
      maxLength: 12,
    });
    await fc.assert(
      fc.asyncProperty(typed, async (query) => {
        const words = foldedWords(query).slice(0, 5);
        const prefix = query.trim().toLowerCase();
        for (const found of await search(query)) {
          const key = directoryKey(found.firstName, found.lastName);
          const byName = words.length > 0 && words.every((word) => key.includes(` ${word}`));
          expect(byName || found.address.startsWith(prefix), `${query} → ${found.address}`).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps to the organisation and active accounts, sorted by name, within the limit', async () => {
    const other = await seedDirectory(store.db, 'mairie-test.fr');
    await createAccount(store.db, other, { first_name: 'Sylvain', last_name: 'Autre' });
    const disabled = await createAccount(store.db, directory, { first_name: 'Sylvère', last_name: 'Parti' });
    await updateAccount(store.db, disabled.id, { status: 'disabled' });
    for (const last of ['Zola', 'Abel', 'Martin']) {
      await createAccount(store.db, directory, { first_name: 'Sylvie', last_name: last });
    }
    expect((await search('sylv')).map((m) => m.lastName)).toEqual(['Abel', 'Martin', 'Zola']);
    expect((await search('sylv', 2)).map((m) => m.lastName)).toEqual(['Abel', 'Martin']);
    expect((await search('sylv', 20, other.organisation.id)).map((m) => m.lastName)).toEqual(['Autre']);
  });

  it('follows a change of name', async () => {
    const account = await createAccount(store.db, directory, { first_name: 'Anne', last_name: 'Petit' });
    expect(await search('grand')).toEqual([]);
    await updateAccount(store.db, account.id, { last_name: 'Grand' });
    expect((await search('grand')).map((m) => m.lastName)).toEqual(['Grand']);
    expect(await search('petit')).toEqual([]);
  });

  it('keeps identity overrides per account, and destroyed identities as tombstones', async () => {
    const a = await createAccount(store.db, directory);
    const b = await createAccount(store.db, directory);
    const row = (accountId: string, id: string, may: number) => ({
      id,
      account_id: accountId,
      email: 'x@ac-test.fr',
      name: 'Nom',
      reply_to: null,
      bcc: null,
      text_signature: 'sig',
      html_signature: '',
      may_delete: may,
      destroyed: 0,
      created_modseq: may === 1 ? 3 : 0,
      modseq: 3,
      created_at: T0,
      updated_at: T0,
    });
    // The same id in two accounts (an alias that moved) is two rows.
    await upsertIdentityOverride(store.db, row(a.id, 'a-eA', 0));
    await upsertIdentityOverride(store.db, row(b.id, 'a-eA', 0));
    const again = await upsertIdentityOverride(store.db, {
      ...row(a.id, 'a-eA', 0),
      text_signature: 'neuve',
      modseq: 4,
    });
    expect(again).toMatchObject({ text_signature: 'neuve', modseq: 4, created_modseq: 0 });
    expect((await findIdentityRows(store.db, b.id))[0]?.text_signature).toBe('sig');

    await insertIdentity(store.db, row(a.id, 'created', 1));
    expect(await updateIdentity(store.db, b.id, 'created', { name: 'Autre' })).toBe(false);
    expect(await updateIdentity(store.db, a.id, 'created', { name: 'Autre', modseq: 5 })).toBe(true);
    expect(await destroyIdentity(store.db, a.id, 'a-eA', 6, T0)).toBe(false);
    expect(await destroyIdentity(store.db, b.id, 'created', 6, T0)).toBe(false);
    expect(await destroyIdentity(store.db, a.id, 'created', 6, T0)).toBe(true);
    expect(await destroyIdentity(store.db, a.id, 'created', 7, T0)).toBe(false);
    const rows = await findIdentityRows(store.db, a.id);
    expect(rows.find((r) => r.id === 'created')).toMatchObject({ destroyed: 1, modseq: 6, name: 'Autre' });
  });
});
