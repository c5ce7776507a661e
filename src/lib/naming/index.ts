export { foldAccents, foldCompact, foldHyphenated } from './fold.js';
export {
  addressLocalPartBase,
  identifierBase,
  MAX_LOCAL_PART_LENGTH,
  NamingError,
  nextAddressLocalPart,
  nextIdentifier,
} from './generate.js';
