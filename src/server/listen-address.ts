import { isIP } from 'node:net';
import { ConfigError } from '../errors/index.js';

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const HOST_PORT = /^(?:\[(?<v6>[0-9a-fA-F:.]+)\]|(?<host>[^:[\]]+)):(?<port>\d{1,5})$/;

/** Parses `host:port` or `[v6]:port`; port 0 asks the OS for a free one. */
export function parseListenAddress(text: string): ListenAddress {
  const match = HOST_PORT.exec(text.trim());
  const host = match?.groups?.['v6'] ?? match?.groups?.['host'];
  const port = Number(match?.groups?.['port']);
  if (host === undefined || !Number.isInteger(port) || port > 65535) {
    throw new ConfigError(
      'INVALID_CONFIG',
      `invalid listen address "${text.slice(0, 100)}": expected host:port, e.g. 127.0.0.1:5000`,
    );
  }
  return { host, port };
}

/** Loopback only: 127.0.0.0/8, ::1 and localhost. Plain HTTP is allowed nowhere else. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}
