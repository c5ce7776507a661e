export { ADMIN_IDENTIFIER, ensureFirstStart, type FirstStartReport } from './first-start.js';
export { type Facteur, openFacteur, packageRoot } from './open.js';
export { type RunningServer, startServer } from './serve.js';
