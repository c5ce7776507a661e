export { fsyncDirectory, writeFileDurably } from './durable-write.js';
