export {
  createImapServers,
  type ImapServerOptions,
  type ImapServers,
  MAX_CONNECTIONS_PER_ACCOUNT,
  MAX_CONNECTIONS_PER_IP,
} from './server.js';
