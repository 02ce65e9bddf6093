import { describe, expect, it } from 'vitest';
import {
  HEAD_BYTES,
  STREAM_HEAD_BYTES,
  type Cataloger,
  type ClaimedFile,
  type FileHeader,
} from '../cataloger.js';
import { StreamCapture } from '../stream-capture.js';
import { partialFileOf } from './partial-file.js';

/** What a stream plan keeps of `content`, passed by in 64 KiB pieces as a layer would. */
function keptByPlan(cataloger: Cataloger, header: FileHeader, content: Buffer): Buffer | undefined {
  const head = content.subarray(0, STREAM_HEAD_BYTES);
  const plan = cataloger.planStream?.(header, head);
  if (!plan) return undefined;
  const capture = new StreamCapture(content.length, head.length, [plan]);
  for (let offset = 0; offset < content.length; offset += 65_536)
    capture.take(content.subarray(offset, offset + 65_536), offset);
  return capture.content;
}

export interface CatalogerContractCase {
  /** A real file this cataloger must claim, with its content. */
  readonly path: string;
  readonly content: Buffer;
  readonly mode?: number;
}

/**
 * The contract every cataloger passes: identity and docs, claims by header alone, pure and
 * deterministic parsing, packages of the types it declares, and no throw on hostile bytes.
 */
export function runCatalogerContract(
  cataloger: Cataloger,
  cases: readonly CatalogerContractCase[],
): void {
  describe(`cataloger contract: ${cataloger.id}`, () => {
    it('has an id, a display name, spec links, package types and a version', () => {
      expect(cataloger.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(cataloger.displayName.length).toBeGreaterThan(0);
      expect(cataloger.urls.length).toBeGreaterThan(0);
      for (const url of cataloger.urls) expect(url).toMatch(/^https:\/\//);
      expect(Number.isInteger(cataloger.version) && cataloger.version >= 1).toBe(true);
    });

    it('is given at least one real case', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    const header = (c: CatalogerContractCase): FileHeader => ({
      path: c.path,
      type: 'file',
      mode: c.mode ?? 0o644,
      size: c.content.length,
    });

    it('claims its real files from the header alone, and wants them from their first bytes', () => {
      for (const c of cases) {
        expect(cataloger.claims(header(c)), c.path).toBe(true);
        if (cataloger.wants)
          expect(cataloger.wants(header(c), c.content.subarray(0, HEAD_BYTES)), c.path).toBe(true);
      }
    });

    it('claims no unrelated files', () => {
      expect(
        cataloger.claims({
          path: 'usr/share/doc/unrelated/README',
          type: 'file',
          mode: 0o644,
          size: 10,
        }),
      ).toBe(false);
    });

    it('parses each real case into packages of its declared types, deterministically', async () => {
      for (const c of cases) {
        const file: ClaimedFile = { ...header(c), content: c.content };
        const first = await cataloger.parse(file);
        const second = await cataloger.parse({ ...file, content: Buffer.from(c.content) });
        expect(second).toEqual(first);
        const produced =
          (first.packages?.length ?? 0) +
          (first.os ? 1 : 0) +
          (first.fileOwners?.length ?? 0) +
          (first.findings?.length ?? 0);
        expect(produced, `${c.path} produced nothing`).toBeGreaterThan(0);
        for (const record of first.packages ?? []) {
          expect(cataloger.packageTypes).toContain(record.type);
          expect(record.name.length, JSON.stringify(record)).toBeGreaterThan(0);
          expect(typeof record.version).toBe('string');
        }
      }
    });

    it.runIf(cataloger.prefill)(
      'parses what it prefilled of a file exactly as the whole file, or asks for the whole file',
      async () => {
        for (const c of cases) {
          const { file } = partialFileOf(header(c), c.content);
          if (!(await cataloger.prefill?.(file))) continue;
          const whole = await cataloger.parse({ ...header(c), content: c.content });
          expect(await cataloger.parse(file), c.path).toEqual(whole);
        }
      },
    );

    it.runIf(cataloger.planStream)(
      'parses what its stream plan kept of a file exactly as the whole file, or asks for the whole file',
      async () => {
        for (const c of cases) {
          const kept = keptByPlan(cataloger, header(c), c.content);
          if (!kept) continue;
          const whole = await cataloger.parse({ ...header(c), content: c.content });
          expect(await cataloger.parse({ ...header(c), content: kept }), c.path).toEqual(whole);
        }
      },
    );

    it('does not throw on empty, truncated or garbage content', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
      for (const c of cases) {
        for (const content of [
          Buffer.alloc(0),
          c.content.subarray(0, Math.floor(c.content.length / 2)),
          garbage,
        ]) {
          await expect(
            Promise.resolve(cataloger.parse({ ...header(c), size: content.length, content })),
          ).resolves.toBeDefined();
          const partial = partialFileOf({ ...header(c), size: content.length }, content);
          await expect(Promise.resolve(cataloger.prefill?.(partial.file))).resolves.not.toThrow();
          expect(() =>
            keptByPlan(cataloger, { ...header(c), size: content.length }, content),
          ).not.toThrow();
        }
      }
    });
  });
}
