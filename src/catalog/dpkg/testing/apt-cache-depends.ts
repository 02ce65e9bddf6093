import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What apt itself makes of the installed packages' `Pre-Depends` and `Depends`: runs the real
 * `apt-cache depends` over a status file alone (no package lists, so apt knows only what is
 * installed) and resolves each requirement as apt does: the first alternative that is an installed
 * package, or a virtual package that an installed one provides. Returns, per package name, the
 * names it depends on, sorted.
 */
export function aptCacheDepends(
  status: string | Buffer,
  names: readonly string[],
): Map<string, string[]> {
  const root = mkdtempSync(join(tmpdir(), 'lockyard-apt-'));
  try {
    for (const dir of ['lists/partial', 'cache/archives/partial'])
      mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'status'), status);
    const options = [
      `Dir::State::status=${join(root, 'status')}`,
      `Dir::State::Lists=${join(root, 'lists')}`,
      `Dir::Cache=${join(root, 'cache')}`,
      'Dir::Cache::pkgcache=',
      'Dir::Cache::srcpkgcache=',
      'Dir::Etc::SourceList=/dev/null',
      'Dir::Etc::SourceParts=/dev/null',
      'APT::Architecture=amd64',
    ].flatMap((option) => ['-o', option]);
    const out = execFileSync(
      'apt-cache',
      [
        ...options,
        'depends',
        '--no-recommends',
        '--no-suggests',
        '--no-conflicts',
        '--no-breaks',
        '--no-replaces',
        '--no-enhances',
        ...names,
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 },
    );
    return parseDepends(out, new Set(names));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * `apt-cache depends` output: a package name at column 0, then `  Depends: x` lines (`|Depends:`
 * when the next line is an alternative of this one), a virtual `<x>` followed by its providers
 * indented four spaces.
 */
function parseDepends(out: string, installed: ReadonlySet<string>): Map<string, string[]> {
  const result = new Map<string, Set<string>>();
  let current = new Set<string>();
  let group: string[][] = [];
  let open = false;
  const close = (): void => {
    // The first alternative with an installed candidate meets the requirement.
    for (const candidates of group) {
      const met = candidates.find((name) => installed.has(name));
      if (met) {
        current.add(met);
        break;
      }
    }
    group = [];
  };
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const relation = /^ ([ |])(?:PreDepends|Depends): (.+)$/u.exec(line);
    if (relation) {
      if (!open) close();
      const target = relation[2] ?? '';
      group.push(target.startsWith('<') ? [] : [target.replace(/:any$/u, '')]);
      open = relation[1] === '|';
      continue;
    }
    const provider = /^ {4}(\S+)$/u.exec(line);
    if (provider) {
      group[group.length - 1]?.push(provider[1] ?? '');
      continue;
    }
    close();
    open = false;
    current = new Set();
    result.set(line.trim(), current);
  }
  close();
  return new Map([...result].map(([name, names]) => [name, [...names].sort()]));
}
