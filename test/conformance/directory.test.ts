import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  findDefaultOrganisation,
  findDomainById,
  findDomainByName,
  findEstablishmentByUai,
  findOrganisationById,
  findProfileById,
  findProfileByName,
  insertDomain,
  insertEstablishment,
  insertOrganisation,
  insertProfile,
  isForeignKeyViolation,
  isUniqueViolation,
  listDomains,
  listEstablishments,
  listProfiles,
  type NewProfile,
} from '../../src/store/sql/index.js';
import { openTestDatabase, type TestSqlStore, testBackends } from '../helpers/database.js';
import { createAccount, errorOf, seedDirectory, T0 } from './directory-factories.js';

function profileRow(organisationId: string, name: string): NewProfile {
  return {
    id: randomUUID(),
    organisation_id: organisationId,
    name,
    label: name,
    quota_bytes: 2 ** 31 + 1,
    retention_days: 0,
    two_factor_required: 1,
    forwarding_allowed: 0,
    external_sending_allowed: 0,
    created_at: T0,
  };
}

describe.each(testBackends())('directory repositories on %s', (backend) => {
  let store: TestSqlStore;

  beforeEach(async () => {
    store = await openTestDatabase(backend);
  });

  afterEach(async () => {
    await store.close();
  });

  describe('organisations', () => {
    it('finds no default organisation in an empty database', async () => {
      expect(await findDefaultOrganisation(store.db)).toBeUndefined();
    });

    it('takes the oldest organisation as the default', async () => {
      await insertOrganisation(store.db, { id: 'org-b', name: 'Newer', created_at: T0 + 1 });
      await insertOrganisation(store.db, { id: 'org-a', name: 'Older', created_at: T0 });
      await insertOrganisation(store.db, { id: 'org-c', name: 'Newest', created_at: T0 + 2 });
      expect(await findDefaultOrganisation(store.db)).toEqual({ id: 'org-a', name: 'Older', created_at: T0 });
    });

    it('finds an organisation by id and returns its instant as a number', async () => {
      const inserted = await insertOrganisation(store.db, { id: 'org-1', name: 'Académie', created_at: T0 });
      expect(inserted).toEqual({ id: 'org-1', name: 'Académie', created_at: T0 });
      expect(await findOrganisationById(store.db, 'org-1')).toEqual(inserted);
      expect(await findOrganisationById(store.db, 'org-2')).toBeUndefined();
    });
  });

  describe('domains', () => {
    it('stores a domain name lower-case and finds it in any case', async () => {
      const { organisation } = await seedDirectory(store.db, 'example.org');
      const domain = await insertDomain(store.db, {
        id: 'dom-1',
        organisation_id: organisation.id,
        name: 'AC-Test.FR',
        created_at: T0,
      });
      expect(domain).toEqual({
        id: 'dom-1',
        organisation_id: organisation.id,
        name: 'ac-test.fr',
        created_at: T0,
      });
      expect(await findDomainByName(store.db, 'ac-test.fr')).toEqual(domain);
      expect(await findDomainByName(store.db, 'AC-TEST.FR')).toEqual(domain);
      expect(await findDomainById(store.db, 'dom-1')).toEqual(domain);
      expect(await findDomainByName(store.db, 'ac-test.com')).toBeUndefined();
    });

    it('refuses a second domain with the same name in another case as a unique violation', async () => {
      const { organisation } = await seedDirectory(store.db, 'ac-test.fr');
      const err = await errorOf(() =>
        insertDomain(store.db, {
          id: 'dom-2',
          organisation_id: organisation.id,
          name: 'AC-TEST.fr',
          created_at: T0,
        }),
      );
      expect(isUniqueViolation(err)).toBe(true);
    });

    it("lists only the organisation's domains, by name", async () => {
      const first = await seedDirectory(store.db, 'zeta.fr');
      const other = await seedDirectory(store.db, 'other.fr');
      await insertDomain(store.db, {
        id: 'dom-alpha',
        organisation_id: first.organisation.id,
        name: 'alpha.fr',
        created_at: T0,
      });
      const names = (await listDomains(store.db, first.organisation.id)).map((domain) => domain.name);
      expect(names).toEqual(['alpha.fr', 'zeta.fr']);
      expect((await listDomains(store.db, other.organisation.id)).map((domain) => domain.name)).toEqual([
        'other.fr',
      ]);
    });

    it('refuses to delete a domain that accounts still use', async () => {
      const directory = await seedDirectory(store.db);
      await createAccount(store.db, directory);
      const err = await errorOf(() =>
        store.db.deleteFrom('domains').where('id', '=', directory.domain.id).execute(),
      );
      expect(isForeignKeyViolation(err)).toBe(true);
      expect(isUniqueViolation(err)).toBe(false);
      expect(await findDomainById(store.db, directory.domain.id)).toEqual(directory.domain);
    });
  });

  describe('profiles', () => {
    it('finds a profile by organisation and name, with a quota above 2^31 as a number', async () => {
      const { organisation } = await seedDirectory(store.db);
      const row = profileRow(organisation.id, 'student');
      const profile = await insertProfile(store.db, row);
      expect(profile).toEqual(row);
      expect(await findProfileByName(store.db, organisation.id, 'student')).toEqual(row);
      expect(await findProfileById(store.db, row.id)).toEqual(row);
      expect(typeof profile.quota_bytes).toBe('number');
    });

    it('does not find a profile by name through another organisation', async () => {
      const first = await seedDirectory(store.db, 'one.fr');
      const second = await seedDirectory(store.db, 'two.fr');
      await insertProfile(store.db, profileRow(first.organisation.id, 'student'));
      expect(await findProfileByName(store.db, second.organisation.id, 'student')).toBeUndefined();
    });

    it('refuses a duplicate profile name within an organisation but allows it in another', async () => {
      const first = await seedDirectory(store.db, 'one.fr');
      const second = await seedDirectory(store.db, 'two.fr');
      const err = await errorOf(() => insertProfile(store.db, profileRow(first.organisation.id, 'staff')));
      expect(isUniqueViolation(err)).toBe(true);
      const external = await insertProfile(store.db, profileRow(second.organisation.id, 'external'));
      expect((await listProfiles(store.db, second.organisation.id)).map((profile) => profile.name)).toEqual([
        'external',
        'staff',
      ]);
      expect(external.organisation_id).toBe(second.organisation.id);
    });
  });

  describe('establishments', () => {
    it('finds an establishment by UAI in any case', async () => {
      const { organisation } = await seedDirectory(store.db);
      const establishment = await insertEstablishment(store.db, {
        id: 'etab-1',
        organisation_id: organisation.id,
        name: 'Lycée Victor Hugo',
        uai: '0750001a',
        created_at: T0,
      });
      expect(establishment).toEqual({
        id: 'etab-1',
        organisation_id: organisation.id,
        name: 'Lycée Victor Hugo',
        uai: '0750001A',
        created_at: T0,
      });
      expect(await findEstablishmentByUai(store.db, '0750001A')).toEqual(establishment);
      expect(await findEstablishmentByUai(store.db, '0750001a')).toEqual(establishment);
      expect(await findEstablishmentByUai(store.db, '0750002B')).toBeUndefined();
    });

    it('refuses a duplicate UAI but accepts several establishments without one', async () => {
      const { organisation } = await seedDirectory(store.db);
      const base = { organisation_id: organisation.id, created_at: T0 };
      await insertEstablishment(store.db, { ...base, id: 'e1', name: 'Collège A', uai: '0750001A' });
      const err = await errorOf(() =>
        insertEstablishment(store.db, { ...base, id: 'e2', name: 'Collège B', uai: '0750001a' }),
      );
      expect(isUniqueViolation(err)).toBe(true);
      await insertEstablishment(store.db, { ...base, id: 'e3', name: 'Rectorat', uai: null });
      await insertEstablishment(store.db, { ...base, id: 'e4', name: 'DSDEN', uai: null });
      expect((await listEstablishments(store.db, organisation.id)).map((e) => e.id)).toEqual([
        'e1',
        'e4',
        'e3',
      ]);
    });
  });
});
