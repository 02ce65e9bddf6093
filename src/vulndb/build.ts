import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { nullLogger, type Logger } from '../log/index.js';
import { advisorySources } from './api.js';
import { BuildSink, type SinkCounts } from './build-sink.js';
import { VulnDbWriter, type SourceRow } from './db/writer.js';
import { VulnDbError } from './errors.js';
import type { AdvisorySource } from './source.js';

export interface BuildInput {
  /** A registered source id (`osv`, `debian-oval`, ...). */
  readonly kind: string;
  readonly path: string;
  /** What status shows as the input (a feed URL for `db update`); defaults to the path. */
  readonly label?: string;
}

export type BuildProgress =
  | {
      readonly kind: 'source-start';
      readonly source: string;
      readonly input: string;
      readonly index: number;
      readonly total: number;
    }
  | {
      readonly kind: 'records';
      readonly source: string;
      readonly records: number;
      readonly skipped: number;
      readonly elapsedMs: number;
    }
  | { readonly kind: 'source-done'; readonly summary: SourceRow };

export interface BuildOptions {
  readonly inputs: readonly BuildInput[];
  readonly output: string;
  readonly logger?: Logger;
  readonly onProgress?: (event: BuildProgress) => void;
  /** Recorded in the file as who built it. */
  readonly builder?: string;
  readonly now?: () => Date;
}

export interface BuildSummary {
  readonly output: string;
  readonly bytes: number;
  readonly durationMs: number;
  readonly sources: readonly SourceRow[];
}

/** `osv:/data/osv` -> { kind: 'osv', path: '/data/osv' }; the kind must be registered. */
export function parseSourceSpec(spec: string): BuildInput {
  const colon = spec.indexOf(':');
  if (colon <= 0 || colon === spec.length - 1) {
    throw new VulnDbError(
      'UNKNOWN_SOURCE',
      `--source ${spec}: expected KIND:PATH (kinds: ${[...advisorySources.keys()].join(', ')})`,
    );
  }
  const kind = spec.slice(0, colon);
  resolveSource(kind);
  return { kind, path: spec.slice(colon + 1) };
}

export function resolveSource(kind: string): AdvisorySource {
  const source = advisorySources.get(kind);
  if (source === undefined) {
    throw new VulnDbError(
      'UNKNOWN_SOURCE',
      `unknown advisory source '${kind}' (known: ${[...advisorySources.keys()].join(', ')})`,
      { details: { kind } },
    );
  }
  return source;
}

function checkInputs(
  inputs: readonly BuildInput[],
): { source: AdvisorySource; input: BuildInput }[] {
  if (inputs.length === 0)
    throw new VulnDbError('INPUT_NOT_FOUND', 'no advisory sources given: pass --source KIND:PATH');
  return inputs.map((input) => {
    const source = resolveSource(input.kind);
    if (!existsSync(input.path)) {
      throw new VulnDbError(
        'INPUT_NOT_FOUND',
        `advisory input ${input.path} (source ${input.kind}) does not exist`,
        { details: { kind: input.kind, path: input.path } },
      );
    }
    return { source, input };
  });
}

/** Flushes the finished file to disk before it is renamed over the old database. */
async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Builds a vulnerability database from advisory inputs: check inputs -> import each into a
 * temp file next to the output -> finish (metadata, statistics) -> fsync -> rename over the
 * output. A failure at any step removes the temp file and leaves an existing database as it was.
 */
export async function buildVulnDb(options: BuildOptions): Promise<BuildSummary> {
  const started = Date.now();
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? nullLogger;
  const checked = checkInputs(options.inputs);
  const output = resolve(options.output);
  await mkdir(dirname(output), { recursive: true });
  const temp = `${output}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const writer = new VulnDbWriter(temp);
  const rows: SourceRow[] = [];
  try {
    for (const [index, { source, input }] of checked.entries()) {
      const label = input.label ?? resolve(input.path);
      options.onProgress?.({
        kind: 'source-start',
        source: source.id,
        input: label,
        index,
        total: checked.length,
      });
      const sourceStarted = Date.now();
      let lastReport = 0;
      const report = (counts: SinkCounts): void => {
        const seen = counts.records + counts.skipped + counts.superseded;
        if (seen - lastReport < 500) return;
        lastReport = seen;
        options.onProgress?.({
          kind: 'records',
          source: source.id,
          records: counts.records,
          skipped: counts.skipped,
          elapsedMs: Date.now() - sourceStarted,
        });
      };
      const sink = new BuildSink(source.id, writer, logger, report);
      await source.import({ path: input.path }, sink);
      if (sink.counts.records + sink.counts.skipped + sink.counts.superseded === 0) {
        // Most often the wrong KIND for the input (an OVAL file given as osv:).
        logger.warn('no advisory records found in input', { source: source.id, input: label });
      }
      const row: SourceRow = {
        kind: source.id,
        input: label,
        records: sink.counts.records,
        affected: sink.counts.affected,
        skipped: sink.counts.skipped,
        superseded: sink.counts.superseded,
        newest: sink.counts.newest,
        importedAt: now().toISOString(),
        durationMs: Date.now() - sourceStarted,
      };
      writer.addSource(row);
      rows.push(row);
      options.onProgress?.({ kind: 'source-done', summary: row });
    }
    writer.finish(now().toISOString(), options.builder ?? 'lockyard');
    await syncFile(temp);
    await rename(temp, output);
  } catch (error) {
    writer.abandon();
    await rm(temp, { force: true });
    throw error;
  }
  return {
    output,
    bytes: (await stat(output)).size,
    durationMs: Date.now() - started,
    sources: rows,
  };
}
