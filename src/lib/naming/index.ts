export { foldAccents, foldCompact, foldHyphenated, NON_DECOMPOSING_LETTERS } from './fold.js';
export {
  addressLocalPartBase,
  identifierBase,
  MAX_LOCAL_PART_LENGTH,
  NamingError,
  nextAddressLocalPart,
  nextIdentifier,
} from './generate.js';
