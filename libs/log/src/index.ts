export { createLogger, type ConduitLogger, type LoggerOptions } from './logger.ts';
