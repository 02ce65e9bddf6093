import { execFileSync, spawnSync } from 'node:child_process';
import type { Ordering } from '../types.js';

/**
 * Whether a reference tool runs here. On CI (`CI` set) a missing tool is a failure, not a skip:
 * .ci/run installs every tool a differential test uses.
 */
export function referenceAvailable(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  const ok = result.status === 0;
  if (!ok && process.env['CI'])
    throw new Error(`reference tool missing on CI: ${command} ${args.join(' ')}`);
  return ok;
}

/** Runs a tool once with `input` on stdin and returns its stdout lines (a batch per process). */
export function runBatch(command: string, args: readonly string[], input: string): string[] {
  const out = execFileSync(command, args, {
    input,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return out.split('\n').filter((line) => line.length > 0);
}

/** Parses a reference tool's `-1`/`0`/`1` (or any signed number) output line. */
export function toOrdering(line: string): Ordering {
  const n = Number(line.trim());
  if (Number.isNaN(n)) throw new Error(`reference printed ${JSON.stringify(line)}, not a number`);
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

export interface Disagreement {
  readonly a: string;
  readonly b: string;
  readonly ours: Ordering | string;
  readonly reference: Ordering | string;
}

/** Compares our answers with the reference's, pair by pair; returns the first disagreements. */
export function disagreements<T>(
  pairs: readonly (readonly [string, string])[],
  ours: (a: string, b: string) => T,
  reference: readonly T[],
  limit = 20,
): Disagreement[] {
  if (reference.length !== pairs.length)
    throw new Error(`reference answered ${reference.length} of ${pairs.length} pairs`);
  const found: Disagreement[] = [];
  pairs.forEach(([a, b], i) => {
    if (found.length >= limit) return;
    const mine = ours(a, b);
    const theirs = reference[i];
    if (mine !== theirs) found.push({ a, b, ours: String(mine), reference: String(theirs) });
  });
  return found;
}
