import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { VulnDbError } from '../errors.js';
import type { AdvisorySource } from '../source.js';
import { RecordingSink } from './recording-sink.js';

export interface SourceContractOptions {
  /** A real input this source must import records from. */
  readonly realInput: string;
  /** The file name garbage is written under, so the source picks it up (`x.json`, `x.xml`). */
  readonly garbageName: string;
}

/**
 * The contract every advisory source passes: identity and docs, records from a real input that
 * all satisfy the normalized schema, the same records on a second import, and on hostile bytes
 * either skips or a VulnDbError, never any other exception.
 */
export function runAdvisorySourceContract(
  source: AdvisorySource,
  options: SourceContractOptions,
): void {
  describe(`advisory source contract: ${source.id}`, () => {
    const dir = useTempDir('lockyard-source-contract-');

    it('has an id, a display name, spec links and https default feeds', () => {
      expect(source.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(source.displayName.length).toBeGreaterThan(0);
      expect(source.urls.length).toBeGreaterThan(0);
      for (const url of [...source.urls, ...source.defaultFeeds.map((feed) => feed.url)])
        expect(url).toMatch(/^https:\/\//);
    });

    it('imports valid records from a real input, the same ones twice', async () => {
      const first = new RecordingSink();
      await source.import({ path: options.realInput }, first);
      expect(first.records.length).toBeGreaterThan(0);
      expect(first.invalid).toEqual([]);
      const second = new RecordingSink();
      await source.import({ path: options.realInput }, second);
      expect(second.records.map((r) => r.advisory)).toEqual(first.records.map((r) => r.advisory));
    });

    it('skips or rejects hostile input with a VulnDbError, never another exception', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      for (const [index, content] of [
        Buffer.alloc(0),
        garbage,
        Buffer.from('{"a": [1, 2'),
        Buffer.from('<x><y></x>'),
      ].entries()) {
        const path = join(dir, `case-${index}`);
        writeFileSync(path + options.garbageName, content);
        const sink = new RecordingSink();
        try {
          await source.import({ path: path + options.garbageName }, sink);
        } catch (error) {
          expect(error).toBeInstanceOf(VulnDbError);
        }
        expect(sink.invalid).toEqual([]);
      }
    });

    it('names a missing input in a VulnDbError', async () => {
      await expect(
        source.import({ path: join(dir, 'does-not-exist') }, new RecordingSink()),
      ).rejects.toThrow(/does-not-exist/);
    });
  });
}
