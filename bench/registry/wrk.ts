import { spawnSync } from 'node:child_process';

export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
};
const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latency(output: string, percentile: string): number {
  const match = new RegExp(
    `^\\s*${percentile}%\\s+(?<value>[\\d.]+)(?<unit>us|ms|s|m)\\s*$`,
    'm',
  ).exec(output);
  return match?.groups
    ? Number(match.groups['value']) * (UNIT_MS[match.groups['unit'] ?? 'ms'] ?? 1)
    : Number.NaN;
}

/** Runs Debian's wrk (a C load generator: it takes less CPU from the server than a Node one) and parses its report. */
export function wrk(
  url: string,
  options: {
    connections: number;
    threads: number;
    seconds: number;
    headers?: Record<string, string>;
  },
): WrkResult {
  const args = [
    '-t',
    String(options.threads),
    '-c',
    String(options.connections),
    '-d',
    `${options.seconds}s`,
    '--latency',
  ];
  for (const [name, value] of Object.entries(options.headers ?? {}))
    args.push('-H', `${name}: ${value}`);
  const result = spawnSync('wrk', [...args, url], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
  const out = result.stdout;
  const rps = /^Requests\/sec:\s+(?<value>[\d.]+)/m.exec(out)?.groups?.['value'];
  const transfer = /^Transfer\/sec:\s+(?<value>[\d.]+)(?<unit>B|KB|MB|GB)/m.exec(out)?.groups;
  const non2xx = /Non-2xx or 3xx responses:\s+(?<value>\d+)/.exec(out)?.groups?.['value'];
  return {
    requestsPerSecond: Number(rps),
    bytesPerSecond: transfer
      ? Number(transfer['value']) * (UNIT_BYTES[transfer['unit'] ?? 'B'] ?? 1)
      : Number.NaN,
    p50Ms: latency(out, '50'),
    p99Ms: latency(out, '99'),
    non2xx: Number(non2xx ?? 0),
  };
}
