export { relyingPartyFor } from './relying-party.js';
export type { PortalSettings } from './routes/portal.js';
export { createHttpServer, type HttpServerOptions, MAX_API_BODY_BYTES } from './server.js';
