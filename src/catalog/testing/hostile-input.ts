import { describe, expect, it } from 'vitest';
import type { Cataloger } from '../cataloger.js';

const DEPTH = 100_000;

/** Hostile inputs every format of this cataloger must survive: warnings or nothing, never a throw. */
export const HOSTILE_TEXT_INPUTS: readonly (readonly [string, string])[] = [
  ['deeply nested JSON arrays', `{"packages": ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`],
  ['deeply nested JSON objects', `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`],
  ['deeply nested YAML/TOML flow', `a = ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`],
  [
    'YAML alias bomb',
    [
      'a: &a ["x","x"]',
      ...Array.from(
        { length: 20 },
        (_, i) =>
          `b${i}: &b${i} [*${i === 0 ? 'a' : `b${i - 1}`}, *${i === 0 ? 'a' : `b${i - 1}`}]`,
      ),
    ].join('\n'),
  ],
  [
    'wrong types everywhere',
    '{"name": 1, "version": [], "packages": "x", "dependencies": 7, "libraries": null, "default": 3}',
  ],
  ['NUL bytes and invalid UTF-8', '\u0000\uFFFD\u0000name: \u0000'],
  ['one enormous line', 'x'.repeat(2_000_000)],
];

/**
 * The hostile-input suite for text-format catalogers (lockfiles, manifests): each input at each
 * claimed path gives warnings or nothing (one-line warnings), never a throw or a package.
 */
export function runHostileInputSuite(cataloger: Cataloger, paths: readonly string[]): void {
  describe(`${cataloger.id} cataloger on hostile input`, () => {
    it.each(
      HOSTILE_TEXT_INPUTS.flatMap(([label, text]) =>
        paths.map((path) => [label, path, text] as const),
      ),
    )('%s as %s', async (_label, path, text) => {
      const content = Buffer.from(text);
      const result = await cataloger.parse({
        path,
        type: 'file',
        mode: 0o644,
        size: content.length,
        content,
      });
      for (const warning of result.warnings ?? []) expect(warning).not.toContain('\n');
      expect(result.packages?.length ?? 0).toBe(0);
    });
  });
}
