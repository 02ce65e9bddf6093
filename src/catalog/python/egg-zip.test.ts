import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { catalogFiles, sharedFixture } from '../../testing/index.js';
import { pythonCataloger } from './index.js';

const EGG = sharedFixture('pkgdb', 'python', 'scalibr', 'monotonic-1.6-py3.10.egg');
const PATH = 'usr/lib/python3.10/site-packages/monotonic-1.6-py3.10.egg';
const header = (path: string, size: number) => ({ path, type: 'file' as const, mode: 0o644, size });

/** Builds a real zip with Python's zipfile module: `[name, text or repeat count of "A"]`. */
function zipWith(entries: readonly (readonly [string, string | number])[]): Buffer {
  const script = [
    'import io, json, sys, zipfile',
    'buf = io.BytesIO()',
    'with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:',
    '    for name, body in json.loads(sys.argv[1]):',
    '        z.writestr(name, body if isinstance(body, str) else "A" * body)',
    'sys.stdout.buffer.write(buf.getvalue())',
  ].join('\n');
  return execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(entries)]);
}

describe('zipped eggs', () => {
  it('reads EGG-INFO/PKG-INFO as Python does', async () => {
    // The reference: zipfile + email.parser on the same egg.
    const script =
      'import email.parser, sys, zipfile\nm = email.parser.HeaderParser().parsestr(zipfile.ZipFile(sys.argv[1]).read("EGG-INFO/PKG-INFO").decode())\nprint(m["Name"], m["Version"])';
    const [name, version] = execFileSync('/usr/bin/python3', ['-c', script, EGG], {
      encoding: 'utf8',
    })
      .trim()
      .split(' ');
    const content = await readFile(EGG);
    const result = await pythonCataloger.parse({ ...header(PATH, content.length), content });
    expect(result.warnings).toBeUndefined();
    expect(result.packages?.map((r) => [r.name, r.version])).toEqual([[name, version]]);
  });

  it('claims eggs on sys.path only', () => {
    expect(pythonCataloger.claims(header(PATH, 1))).toBe(true);
    expect(
      pythonCataloger.claims(header('usr/lib/python3/dist-packages/x-1.0-py3.11.egg', 1)),
    ).toBe(true);
    expect(pythonCataloger.claims(header('root/downloads/monotonic-1.6-py3.10.egg', 1))).toBe(
      false,
    );
    expect(pythonCataloger.claims(header('wheelhouse/monotonic-1.6-py2.py3-none-any.whl', 1))).toBe(
      false,
    );
  });

  it('refuses a PKG-INFO that inflates past 8 MiB and names what is missing', async () => {
    const parse = async (content: Buffer) =>
      (await pythonCataloger.parse({ ...header(PATH, content.length), content })).warnings;
    expect(await parse(zipWith([['EGG-INFO/PKG-INFO', 64 * 1024 * 1024]]))).toEqual([
      'EGG-INFO/PKG-INFO declares 67108864 bytes, not read',
    ]);
    expect(await parse(zipWith([['monotonic.py', 'x = 1']]))).toEqual([
      'egg has no EGG-INFO/PKG-INFO',
    ]);
    const egg = await readFile(EGG);
    expect((await parse(egg.subarray(0, egg.length - 30)))?.[0]).toMatch(
      /^egg is not a readable zip: /,
    );
  });

  it('end to end: a zipped egg in site-packages through a real image', async () => {
    const catalog = await catalogFiles({ [PATH]: await readFile(EGG) });
    expect(catalog.packages.map((p) => [p.purl, p.locations[0]?.path])).toEqual([
      ['pkg:pypi/monotonic@1.6', PATH],
    ]);
  });
});
