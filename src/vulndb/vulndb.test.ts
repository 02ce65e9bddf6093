import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../log/index.js';
import { sharedFixture, useTempDir } from '../testing/index.js';
import { RecordingSink } from './testing/index.js';
import {
  advisorySources,
  defaultFeeds,
  buildVulnDb,
  openVulnDb,
  parseSourceSpec,
  VulnDbError,
  type BuildSummary,
  type VulnDb,
} from './index.js';

const ghsa = sharedFixture('vulndb', 'ghsa');
// The sources' own small fixtures: a verbatim OVAL excerpt and the tracker sample.
const ovalExcerpt = fileURLToPath(
  new URL('./sources/debian-oval/__fixtures__/bookworm-excerpt.xml.bz2', import.meta.url),
);
const trackerSample = fileURLToPath(
  new URL('./sources/debian-tracker/__fixtures__/tracker-sample.json', import.meta.url),
);

function capturingLogger(): Logger & {
  warnings: { message: string; fields: Record<string, unknown> }[];
} {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  return {
    warnings,
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (message, fields) => warnings.push({ message, fields: { ...fields } }),
  };
}

function osvRecord(id: string, modified: string, fixed: string): string {
  return JSON.stringify({
    id,
    modified,
    aliases: ['CVE-2099-0001'],
    affected: [
      {
        package: { ecosystem: 'PyPI', name: 'Some_Package' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  });
}

describe('advisory source registry', () => {
  it('lists every folder under sources/ with id = folder name', () => {
    const folders = readdirSync(new URL('./sources/', import.meta.url), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect([...advisorySources.keys()].sort()).toEqual(folders);
    for (const [id, source] of advisorySources) expect(source.id).toBe(id);
  });

  it('updates by default from osv.dev, the Debian tracker and Alpine secdb (not OVAL)', () => {
    const feeds = defaultFeeds();
    expect(feeds.filter((f) => f.source === 'osv').map((f) => f.url)).toContain(
      'https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip',
    );
    expect(feeds.filter((f) => f.source === 'debian-tracker').map((f) => f.url)).toEqual([
      'https://security-tracker.debian.org/tracker/data/json',
    ]);
    expect(feeds.filter((f) => f.source === 'alpine-secdb').map((f) => f.url)).toContain(
      'https://secdb.alpinelinux.org/edge/main.json',
    );
    expect(feeds.some((f) => f.source === 'debian-oval')).toBe(false);
  });

  it('parses KIND:PATH and names unknown kinds', () => {
    expect(parseSourceSpec('osv:/data/osv:with:colons')).toEqual({
      kind: 'osv',
      path: '/data/osv:with:colons',
    });
    expect(() => parseSourceSpec('nvd:/x')).toThrow(
      "unknown advisory source 'nvd' (known: osv, debian-oval, debian-tracker, alpine-secdb)",
    );
    expect(() => parseSourceSpec('osv')).toThrow(/expected KIND:PATH/);
  });
});

describe('vulnerability database round trip', () => {
  const dir = useTempDir('lockyard-vulndb-');
  const output = join(dir, 'db', 'lockyard.db');
  const logger = capturingLogger();
  const tree = join(dir, 'osv-tree');
  let summary: BuildSummary;
  let db: VulnDb;

  beforeAll(async () => {
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'TEST-1.json'), osvRecord('TEST-1', '2024-05-01T00:00:00Z', '2.0'));
    writeFileSync(join(tree, 'broken.json'), '{"id": "TEST-2"}');
    summary = await buildVulnDb({
      output,
      logger,
      inputs: [
        { kind: 'osv', path: ghsa },
        { kind: 'osv', path: tree },
        { kind: 'debian-oval', path: ovalExcerpt },
        { kind: 'debian-tracker', path: trackerSample },
      ],
    });
    db = openVulnDb(output);
  });

  it('reports per-source counts, skipped records and the newest record date', () => {
    const status = db.status();
    expect(status.schemaVersion).toBe(1);
    expect(Date.parse(status.builtAt)).toBeGreaterThan(Date.now() - 600_000);
    expect(status.sources.map((s) => [s.kind, s.records, s.skipped, s.newest])).toEqual([
      ['osv', 35, 0, '2024-09-10T19:41:04.000Z'],
      ['osv', 1, 1, '2024-05-01T00:00:00.000Z'],
      // Six CVE definitions, and DSA-5418-1 on its own: the excerpt lacks 12 of its 13 CVEs.
      ['debian-oval', 7, 0, '2023-07-14T07:39:10.188Z'],
      ['debian-tracker', 7, 0, undefined],
    ]);
    expect(status.sources.map((s) => s.records)).toEqual(summary.sources.map((s) => s.records));
    expect(status.newest).toBe('2024-09-10T19:41:04.000Z');
    expect(status.affected).toBe(summary.sources.reduce((n, s) => n + s.affected, 0));
    expect(status.ecosystems.map((e) => e.ecosystem)).toEqual([
      'Debian:11',
      'Debian:12',
      'Debian:13',
      'Debian:sid',
      'Maven',
      'NuGet',
      'Packagist',
      'PyPI',
      'RubyGems',
      'npm',
    ]);
    expect(logger.warnings).toContainEqual({
      message: 'skipped malformed advisory record',
      fields: {
        source: 'osv',
        file: 'broken.json',
        field: 'modified',
        reason: 'modified: Invalid input: expected string, received undefined',
      },
    });
  });

  it('returns what the source produced, unchanged, for every GHSA package', async () => {
    const sink = new RecordingSink();
    await advisorySources.get('osv')?.import({ path: ghsa }, sink);
    for (const { advisory } of sink.records) {
      for (const entry of advisory.affected) {
        const found = db
          .lookup(entry.ecosystem, entry.name)
          .filter((r) => r.advisory.id === advisory.id);
        const { advisory: stored, ...rest } = found.find(
          (r) => JSON.stringify(r.ranges) === JSON.stringify(entry.ranges),
        ) ?? { advisory: undefined };
        expect(rest, `${advisory.id} ${entry.name}`).toEqual(entry);
        expect({ ...stored, affected: advisory.affected }).toEqual({ ...advisory, source: 'osv' });
      }
    }
  });

  it('folds names and ecosystem spellings the way registries do', () => {
    expect(
      db
        .lookup('npm', 'axios')
        .map((r) => r.advisory.id)
        .sort(),
    ).toEqual(['GHSA-8hc4-vh64-cxmj', 'GHSA-wf5p-g6vw-rhxx']);
    expect(db.lookup('pypi', 'some.package').map((r) => r.advisory.id)).toEqual(['TEST-1']);
    expect(
      db.lookup('debian:12', 'tar').map((r) => [r.advisory.source, r.advisory.id, r.status]),
    ).toEqual([
      ['debian-oval', 'CVE-2005-2541', 'affected'],
      ['debian-tracker', 'CVE-2005-2541', 'affected'],
      ['debian-tracker', 'TEMP-0290435-0B57B5', 'affected'],
    ]);
    expect(db.lookup('Go', 'nothing-here')).toEqual([]);
  });

  it('merges distro fragments into one advisory per source and finds advisories by alias', () => {
    const glibc = db.advisories('CVE-2023-4911');
    expect(glibc.map((a) => a.source)).toEqual(['debian-tracker']);
    expect(db.lookup('Debian:11', 'glibc')[0]?.status).toBe('not-affected');
    expect(db.advisories('CVE-2021-44228').map((a) => a.id)).toEqual(['GHSA-jfh8-c2jp-5v3q']);
    expect(db.advisories('CVE-2099-0001').map((a) => a.id)).toEqual(['TEST-1']);
  });

  it('answers the same after preloading everything into memory', () => {
    const fresh = openVulnDb(output);
    fresh.preload();
    for (const [ecosystem, name] of [
      ['npm', 'lodash'],
      ['Maven', 'org.apache.logging.log4j:log4j-core'],
      ['Debian:12', 'chromium'],
      ['npm', 'none'],
    ] as const) {
      expect(fresh.lookup(ecosystem, name)).toEqual(openVulnDb(output).lookup(ecosystem, name));
    }
    fresh.close();
  });

  it('keeps the newer of two whole records with the same id, whichever input comes first', async () => {
    const older = join(dir, 'older');
    const newer = join(dir, 'newer');
    mkdirSync(older, { recursive: true });
    mkdirSync(newer, { recursive: true });
    writeFileSync(join(older, 'A.json'), osvRecord('TEST-9', '2020-01-01T00:00:00Z', '1.0'));
    writeFileSync(join(newer, 'A.json'), osvRecord('TEST-9', '2024-01-01T00:00:00Z', '3.0'));
    for (const order of [
      [newer, older],
      [older, newer],
    ]) {
      const path = join(dir, `order-${order[0] === newer ? 'newer' : 'older'}-first.db`);
      const built = await buildVulnDb({
        output: path,
        inputs: order.map((p) => ({ kind: 'osv', path: p })),
      });
      const reader = openVulnDb(path);
      expect(reader.lookup('PyPI', 'some-package').map((r) => r.fixed)).toEqual([['3.0']]);
      expect(built.sources.reduce((n, s) => n + s.superseded, 0)).toBe(order[0] === newer ? 1 : 0);
      reader.close();
    }
  });

  it('leaves the existing database untouched when a build fails, and no temp file behind', async () => {
    const before = db.status();
    const broken = join(dir, 'broken.xml');
    writeFileSync(broken, '<oval_definitions><definitions></oval_definitions>');
    await expect(
      buildVulnDb({
        output,
        inputs: [
          { kind: 'osv', path: ghsa },
          { kind: 'debian-oval', path: broken },
        ],
      }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    const after = openVulnDb(output);
    expect(after.status()).toEqual(before);
    after.close();
    expect(readdirSync(join(dir, 'db'))).toEqual(['lockyard.db']);
  });

  it('refuses missing, foreign, other-schema and damaged files with one-line errors', () => {
    expect(() => openVulnDb(join(dir, 'none.db'))).toThrow(
      /^no vulnerability database at .*none\.db: run 'lockyard db update' or 'lockyard db build'$/,
    );
    const foreign = join(dir, 'foreign.db');
    writeFileSync(
      foreign,
      'not sqlite at all, just text that is long enough to look like a header...',
    );
    expect(() => openVulnDb(foreign)).toThrow(VulnDbError);
    const future = join(dir, 'future.db');
    copyFileSync(output, future);
    const raw = new Database(future);
    raw.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
    raw.prepare("UPDATE affected SET data = '{' WHERE package = 'lodash'").run();
    raw.close();
    expect(() => openVulnDb(future)).toThrow(/has schema 99 but this Lockyard reads schema 1/);
    const damaged = new Database(future);
    damaged.prepare("UPDATE meta SET value = '1' WHERE key = 'schema_version'").run();
    damaged.close();
    const reader = openVulnDb(future);
    expect(() => reader.lookup('npm', 'lodash')).toThrow(/is damaged: affected entry is not JSON/);
    reader.close();
  });
});
