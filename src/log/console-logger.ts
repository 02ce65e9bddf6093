import type { Logger, LogFields, LogLevel } from './logger.js';
import { redactFields } from './redact.js';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** A human-oriented logger for the CLI: `warning: message key=value ...` on stderr. */
export function createConsoleLogger(
  options: { level?: LogLevel; stream?: NodeJS.WritableStream } = {},
): Logger {
  const threshold = ORDER[options.level ?? 'warn'];
  const stream = options.stream ?? process.stderr;
  function write(level: LogLevel, message: string, fields?: LogFields): void {
    if (ORDER[level] < threshold) return;
    const label = level === 'warn' ? 'warning' : level;
    const tail = fields
      ? Object.entries(redactFields(fields))
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => ` ${k}=${formatValue(v)}`)
          .join('')
      : '';
    stream.write(`${label}: ${message}${tail}\n`);
  }
  return {
    debug: (m, f) => {
      write('debug', m, f);
    },
    info: (m, f) => {
      write('info', m, f);
    },
    warn: (m, f) => {
      write('warn', m, f);
    },
    error: (m, f) => {
      write('error', m, f);
    },
  };
}

export const nullLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
