import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sharedFixture } from '../../testing/index.js';
import { buildZip, type ZipEntrySpec } from '../internal/testing/index.js';
import { createJavaCataloger, javaCataloger } from './index.js';
import { pomProperties } from './testing/jdk-tools.js';

async function parse(
  content: Buffer,
  cataloger = javaCataloger,
): Promise<Awaited<ReturnType<typeof javaCataloger.parse>>> {
  return cataloger.parse({
    path: 'opt/app.war',
    type: 'file',
    mode: 0o644,
    size: content.length,
    content,
  });
}

const purls = (result: Awaited<ReturnType<typeof parse>>): string[] =>
  (result.packages ?? []).map(
    (p) => `${p.innerPath ? `${p.innerPath}|` : ''}${p.namespace ?? ''}:${p.name}@${p.version}`,
  );

const pom = (g: string, a: string, v: string, extra: Partial<ZipEntrySpec> = {}): ZipEntrySpec => ({
  name: `META-INF/maven/${g}/${a}/pom.properties`,
  content: pomProperties(g, a, v),
  ...extra,
});

describe('java cataloger on hostile archives: warnings, never a throw or a hang', () => {
  it('skips entries whose names climb out of the archive or are absolute, and keeps the rest', async () => {
    const zip = buildZip([
      pom('good', 'good', '1.0'),
      {
        name: '../../META-INF/maven/evil/evil/pom.properties',
        content: pomProperties('evil', 'evil', '6.6.6'),
      },
      { name: '/etc/evil.jar', content: buildZip([pom('evil', 'abs', '1')]) },
      { name: 'WEB-INF/lib/../../../up.jar', content: buildZip([pom('evil', 'up', '1')]) },
      { name: 'C:\\Windows\\evil.jar', content: buildZip([pom('evil', 'drive', '1')]) },
      { name: 'README', content: 'unsafe names of unused entries are ignored' },
      { name: '../README', content: 'ignored too' },
    ]);
    const result = await parse(zip);
    expect(purls(result)).toEqual(['good:good@1.0']);
    expect(result.warnings).toEqual([
      'skipped entry "../../META-INF/maven/evil/evil/pom.properties": parent directory segment',
      'skipped entry "/etc/evil.jar": absolute path',
      'skipped entry "WEB-INF/lib/../../../up.jar": parent directory segment',
      'skipped entry "C:/Windows/evil.jar": absolute path',
    ]);
  });

  it('does not inflate a pom.properties bomb past the text limit', async () => {
    const bomb = {
      name: 'META-INF/maven/x/y/pom.properties',
      content: Buffer.alloc(64 * 1024 * 1024, 0x23),
    };
    const zip = buildZip([bomb, pom('ok', 'ok', '1')]);
    expect(zip.length).toBeLessThan(1024 * 1024);
    const result = await parse(zip);
    expect(purls(result)).toEqual(['ok:ok@1']);
    expect(result.warnings).toEqual([
      'META-INF/maven/x/y/pom.properties: 67108864 bytes, over the limit of 1048576; not read',
    ]);
  });

  it('stops reading an entry that inflates beyond the size its header declares', async () => {
    const result = await parse(
      buildZip([pom('liar', 'liar', '1', { declaredSize: 20 }), pom('ok', 'ok', '2')]),
    );
    expect(purls(result)).toEqual(['ok:ok@2']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatch(
      /^META-INF\/maven\/liar\/liar\/pom\.properties: unreadable: too many bytes in the stream/,
    );
  });

  it('bounds the decompressed bytes of one claimed file across nested archives', async () => {
    const jar = (n: number): Buffer =>
      buildZip([
        pom('g', `lib${n}`, '1'),
        { name: 'blob.bin', content: randomBytes(400 * 1024), method: 0 },
      ]);
    const war = buildZip(
      [1, 2, 3].map((n) => ({
        name: `WEB-INF/lib/lib${n}-1.jar`,
        content: jar(n),
        method: 0 as const,
      })),
    );
    const small = createJavaCataloger({
      maxDepth: 16,
      maxTotalBytes: 1024 * 1024,
      maxTextBytes: 4096,
    });
    const result = await parse(war, small);
    expect(purls(result)).toEqual([
      'WEB-INF/lib/lib1-1.jar|g:lib1@1',
      'WEB-INF/lib/lib2-1.jar|g:lib2@1',
    ]);
    expect(result.warnings).toEqual([
      'WEB-INF/lib/lib3-1.jar: not read: the archive expands beyond 1048576 bytes',
    ]);
  });

  it('stops at the default nesting bound of 16 levels with one warning', async () => {
    let archive = buildZip([pom('deep', 'deep', '1')]);
    for (let level = 0; level < 20; level += 1)
      archive = buildZip([{ name: 'inner.jar', content: archive }]);
    const result = await parse(archive);
    expect(result.packages).toEqual([]);
    expect(result.warnings).toEqual([
      `${Array.from({ length: 17 }, () => 'inner.jar').join('!')}: nested deeper than 16 archive levels; not read`,
    ]);
  });

  it('reports a nested archive that is not a zip and keeps its siblings', async () => {
    const war = buildZip([
      { name: 'WEB-INF/lib/broken-1.0.jar', content: 'PK\x03\x04 but nothing else' },
      { name: 'WEB-INF/lib/good-1.0.jar', content: buildZip([pom('g', 'good', '1.0')]) },
    ]);
    const result = await parse(war);
    expect(purls(result)).toEqual(['WEB-INF/lib/good-1.0.jar|g:good@1.0']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toMatch(
      /^WEB-INF\/lib\/broken-1\.0\.jar: not a readable zip archive: /,
    );
  });

  it('reports an encrypted entry as unreadable', async () => {
    const result = await parse(buildZip([pom('sec', 'ret', '1', { encrypted: true })]));
    expect(result.packages).toEqual([]);
    expect(result.warnings?.[0]).toMatch(
      /^META-INF\/maven\/sec\/ret\/pom\.properties: unreadable: .*encrypted/,
    );
  });

  it('warns about truncated archives and files that are not zips, and ignores an empty zip', async () => {
    const war = await readFile(sharedFixture('pkgdb', 'java', 'trivy', 'gradle.war'));
    const truncated = await parse(war.subarray(0, war.length >> 1));
    expect(truncated.packages).toEqual([]);
    expect(truncated.warnings).toEqual([
      'not a readable zip archive: End of central directory record signature not found. Either not a zip file, or file is truncated.',
    ]);
    expect(await parse(Buffer.from('#!/bin/sh\nexec java -jar app.jar\n'))).toEqual({
      warnings: ['not a zip archive (no PK header)'],
    });
    expect(await parse(buildZip([]))).toEqual({});
  });
});
