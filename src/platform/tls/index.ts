export { ensureCertificate, type TlsMaterial } from './self-signed.js';
