export { createLogger, LOG_EVENTS, type LogEvent, type Logger, REDACT_PATHS } from './logger.js';
