import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/index.js';
import {
  catalogFiles,
  catalogImageDir,
  repoRoot,
  sharedFixture,
  useTempDir,
} from '../testing/index.js';
import { buildVulnDb, openVulnDb } from '../vulndb/index.js';
import { createMatcher } from './matcher.js';
import { toMatchInput } from './match-input.js';
import { PackageKeyTable, rescan } from './rescan.js';

const dir = useTempDir();
let alpine: Catalog;
let node: Catalog;

beforeAll(async () => {
  alpine = await catalogImageDir(join(repoRoot, 'examples', 'alpine-3.10.tar.gz'));
  node = await catalogFiles({
    'app/node_modules/lodash/package.json': JSON.stringify({ name: 'lodash', version: '4.17.15' }),
    'app/node_modules/minimist/package.json': JSON.stringify({
      name: 'minimist',
      version: '1.2.5',
    }),
  });
  // "Before": the GHSA npm advisories without the minimist one; "after": it is published.
  await cp(sharedFixture('vulndb', 'ghsa', 'npm'), join(dir, 'npm-before'), { recursive: true });
  await rm(join(dir, 'npm-before', 'GHSA-xvch-5gv4-984h.json'));
  const alpineDb = {
    kind: 'alpine-secdb',
    path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb'),
  };
  await buildVulnDb({
    inputs: [alpineDb, { kind: 'osv', path: join(dir, 'npm-before') }],
    output: join(dir, 'before.db'),
  });
  await buildVulnDb({
    inputs: [alpineDb, { kind: 'osv', path: sharedFixture('vulndb', 'ghsa', 'npm') }],
    output: join(dir, 'after.db'),
  });
}, 120_000);

describe('rescan of stored SBOMs', () => {
  it('finds the same vulnerabilities as a full match, from integer-encoded SBOMs', () => {
    const db = openVulnDb(join(dir, 'after.db'));
    const matcher = createMatcher(db);
    const table = new PackageKeyTable();
    const stored = [
      { id: 'alpine', keys: table.encode(toMatchInput(alpine)) },
      { id: 'node', keys: table.encode(toMatchInput(node)) },
    ];
    const [a, n] = rescan(matcher, table, stored);
    expect(a?.findings).toEqual(
      [...new Set(matcher.match(alpine).findings.map((f) => f.id))].sort(),
    );
    expect(n?.findings).toEqual([...new Set(matcher.match(node).findings.map((f) => f.id))].sort());
    expect(n?.counts.CRITICAL).toBeGreaterThan(0);
    db.close();
  });

  it('sees exactly which SBOMs a newly published advisory changes', () => {
    const table = new PackageKeyTable();
    const stored = [
      { id: 'alpine', keys: table.encode(toMatchInput(alpine)) },
      { id: 'node', keys: table.encode(toMatchInput(node)) },
    ];
    const run = (file: string) => {
      const db = openVulnDb(join(dir, file));
      try {
        return rescan(createMatcher(db), table, stored);
      } finally {
        db.close();
      }
    };
    const before = run('before.db');
    const after = run('after.db');
    expect(after[0]?.digest).toBe(before[0]?.digest);
    expect(after[1]?.digest).not.toBe(before[1]?.digest);
    expect(before[1]?.findings).not.toContain('CVE-2021-44906');
    expect(after[1]?.findings).toContain('CVE-2021-44906');
  });
});
