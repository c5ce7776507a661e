export {
  type Argon2Cost,
  createPasswordHasher,
  generateProvisionalPassword,
  type PasswordHasher,
} from './passwords.js';
export { seal, unseal } from './sealed.js';
export {
  APP_PASSWORD_LENGTH,
  constantTimeEqual,
  deriveSubkey,
  generateAppPassword,
  type KeyedHashPurpose,
  keyedHash,
  normaliseAppPassword,
  randomToken,
  sha256Hex,
} from './tokens.js';
