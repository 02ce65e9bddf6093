export type { Logger, LogFields, LogLevel } from './logger.js';
export { createConsoleLogger, nullLogger } from './console-logger.js';
export { redactFields } from './redact.js';
