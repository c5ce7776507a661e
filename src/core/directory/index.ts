export {
  type CreateAccountInput,
  type CreatedAccount,
  createAccount,
  disableAccount,
  enableAccount,
  findAccountByLogin,
  getAccount,
  isLocked,
  listAccounts,
  unlockAccount,
} from './accounts.js';
export { DEFAULT_PROFILE, DEFAULT_PROFILES } from './defaults.js';
export {
  DKIM_KEY_BITS,
  type DnsRecord,
  domainDnsRecords,
  ensureDkimKey,
  type SigningKey,
  signingKeyFor,
  zoneTxt,
} from './dkim.js';
export {
  addDomain,
  ensureOrganisation,
  getDomain,
  listOrganisationDomains,
  normaliseDomainName,
} from './organisation.js';
export { MAX_DIRECTORY_RESULTS, MIN_DIRECTORY_QUERY, searchPeople } from './search.js';
