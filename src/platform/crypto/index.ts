export {
  type Argon2Cost,
  createPasswordHasher,
  generateProvisionalPassword,
  type PasswordHasher,
} from './passwords.js';
export { seal, unseal } from './sealed.js';
export { constantTimeEqual, type KeyedHashPurpose, keyedHash, randomToken, sha256Hex } from './tokens.js';
