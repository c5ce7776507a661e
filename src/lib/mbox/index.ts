export { escapeForMboxrd, fromLineDate, type MboxMessage, splitMbox } from './split.js';
export { flagsFromStatusHeaders, type MboxFlags } from './status-flags.js';
