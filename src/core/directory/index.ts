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
  addDomain,
  ensureOrganisation,
  getDomain,
  listOrganisationDomains,
  normaliseDomainName,
} from './organisation.js';
