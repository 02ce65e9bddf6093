import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackageRecord } from '../../types.js';
import { rpmLicense } from '../header/license.js';

const FORMAT =
  '%{NAME}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\t%{VENDOR}\\t%{MODULARITYLABEL}\\n';

/** The line `rpm -qa` prints for a package with FORMAT, built from our record. */
export function rpmLine(record: PackageRecord): string {
  const text = (key: string): string => {
    const value = record.metadata?.[key];
    return typeof value === 'string' ? value : '(none)';
  };
  return [
    record.name,
    `${record.epoch ?? 0}:${record.version}`,
    record.arch ?? '(none)',
    text('sourceRpm'),
    record.licenses?.[0] ?? '(none)',
    record.supplier ?? '(none)',
    text('modularityLabel'),
  ].join('\t');
}

function query(dbPath: string, backend: 'bdb_ro' | 'sqlite'): string[] {
  const out = execFileSync(
    'rpm',
    ['-qa', '--dbpath', dbPath, '--define', `_db_backend ${backend}`, '--qf', FORMAT],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
  );
  return (
    out
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('gpg-pubkey\t'))
      // An empty tag (VENDOR "") says no more than an absent one; the cataloger drops both.
      // LICENSE (the fifth field) goes through the documented translation of Fedora's legacy
      // names to SPDX (header/license.ts, tested on its own).
      .map((line) =>
        line
          .split('\t')
          .map((field, index) =>
            field === '' ? '(none)' : index === 4 && field !== '(none)' ? rpmLicense(field) : field,
          )
          .join('\t'),
      )
      .sort()
  );
}

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'lockyard-rpmdb-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Debian's rpm 4.18 as the reference: `rpm -qa` over a copy of the database (it reads Berkeley
 * DB through its read-only `bdb_ro` backend and SQLite natively), gpg-pubkey entries left out.
 */
export function rpmQa(db: Buffer, kind: 'bdb' | 'sqlite'): string[] {
  return inTempDir((dir) => {
    writeFileSync(join(dir, kind === 'bdb' ? 'Packages' : 'rpmdb.sqlite'), db, { mode: 0o644 });
    return query(dir, kind === 'bdb' ? 'bdb_ro' : 'sqlite');
  });
}

const HEADER_MAGIC = Buffer.from([0x8e, 0xad, 0xe8, 0x01, 0, 0, 0, 0]);

/**
 * For databases this rpm cannot open (NDB): imports header blobs into a fresh SQLite rpmdb with
 * `rpmdb --importdb` and lists them with `rpm -qa`. rpm checks each header's SHA1/SHA256 digest
 * when it reads it back, so a blob cut or shifted by the reader does not survive the round trip.
 */
export function rpmQaOfBlobs(blobs: readonly Buffer[]): string[] {
  return inTempDir((dir) => {
    execFileSync('rpmdb', ['--dbpath', dir, '--initdb'], { stdio: 'ignore' });
    const stream = Buffer.concat(blobs.flatMap((blob) => [HEADER_MAGIC, blob]));
    execFileSync('rpmdb', ['--dbpath', dir, '--importdb'], {
      input: stream,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    return query(dir, 'sqlite');
  });
}

/** Per package name, one tag's values as `rpm -qa --qf '[%{=NAME}\t%{TAG}\n]'` lists them. */
function tagValues(
  dbPath: string,
  backend: 'bdb_ro' | 'sqlite',
  tag: string,
): Map<string, string[]> {
  const out = execFileSync(
    'rpm',
    [
      '-qa',
      '--dbpath',
      dbPath,
      '--define',
      `_db_backend ${backend}`,
      '--qf',
      `[%{=NAME}\\t%{${tag}}\\n]`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 },
  );
  const values = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const name = line.slice(0, tab);
    const list = values.get(name) ?? [];
    list.push(line.slice(tab + 1));
    values.set(name, list);
  }
  return values;
}

/** What rpm itself reads from a database: each package's REQUIRENAME, PROVIDENAME and files. */
export interface RpmRelations {
  readonly requires: ReadonlyMap<string, string[]>;
  readonly provides: ReadonlyMap<string, string[]>;
  readonly files: ReadonlyMap<string, string[]>;
}

export function rpmRelations(db: Buffer, kind: 'bdb' | 'sqlite'): RpmRelations {
  return inTempDir((dir) => {
    writeFileSync(join(dir, kind === 'bdb' ? 'Packages' : 'rpmdb.sqlite'), db, { mode: 0o644 });
    const backend = kind === 'bdb' ? 'bdb_ro' : 'sqlite';
    return {
      requires: tagValues(dir, backend, 'REQUIRENAME'),
      provides: tagValues(dir, backend, 'PROVIDENAME'),
      files: tagValues(dir, backend, 'FILENAMES'),
    };
  });
}
