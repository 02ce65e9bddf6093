import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One line of `dpkg-query -W`: what dpkg itself makes of a status stanza. */
export interface DpkgQueryRow {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly sourceName: string;
  readonly sourceVersion: string;
  readonly status: string;
  readonly maintainer: string;
}

const FORMAT =
  '${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t${Status}\\t${Maintainer}\\n';

/**
 * Runs the real `dpkg-query -W` over a status file, in a throw-away admin directory holding the
 * file as `status` plus the empty `info/`, `updates/` and `triggers/` dpkg expects.
 */
export function dpkgQuery(status: string | Buffer): DpkgQueryRow[] {
  const admin = mkdtempSync(join(tmpdir(), 'lockyard-dpkg-admin-'));
  try {
    for (const dir of ['info', 'updates', 'triggers']) mkdirSync(join(admin, dir));
    writeFileSync(join(admin, 'status'), status);
    const out = execFileSync('dpkg-query', [`--admindir=${admin}`, '-W', `-f=${FORMAT}`], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return parseRows(out);
  } finally {
    rmSync(admin, { recursive: true, force: true });
  }
}

/** `dpkg-query -W` over the machine's own dpkg database. */
export function dpkgQueryHost(): DpkgQueryRow[] {
  return parseRows(execFileSync('dpkg-query', ['-W', `-f=${FORMAT}`], { encoding: 'utf8' }));
}

function parseRows(out: string): DpkgQueryRow[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [
        name = '',
        version = '',
        arch = '',
        sourceName = '',
        sourceVersion = '',
        status = '',
        maintainer = '',
      ] = line.split('\t');
      return { name, version, arch, sourceName, sourceVersion, status, maintainer };
    });
}

/**
 * Distroless `status.d` stanzas carry no Status line; dpkg needs one to list a package. This adds
 * `Status: install ok installed` to each stanza that lacks one, so dpkg-query can be the reference.
 */
export function withInstalledStatus(text: string): string {
  return text
    .split(/\n[ \t]*\n/u)
    .map((stanza) =>
      /^Package:/imu.test(stanza) && !/^Status:/imu.test(stanza)
        ? stanza.replace(/^(?<line>Package:[^\n]*)$/imu, '$<line>\nStatus: install ok installed')
        : stanza,
    )
    .join('\n\n');
}
