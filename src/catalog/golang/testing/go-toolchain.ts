import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildZip } from '../../internal/testing/index.js';

const run = promisify(execFile);

/** What `go version -m` (the reference tool) prints for a binary. */
export interface GoVersionM {
  readonly goVersion: string;
  readonly lines: readonly (readonly string[])[];
}

/** Runs the installed toolchain's `go version -m` on a copy of the file made executable. */
export async function goVersionM(file: string, scratch: string): Promise<GoVersionM> {
  const copy = join(scratch, `go-version-m-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await copyFile(file, copy);
  await chmod(copy, 0o755);
  const { stdout } = await run('go', ['version', '-m', copy], {
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  const [first = '', ...rest] = stdout.split('\n');
  return {
    goVersion: first.slice(first.indexOf(': ') + 2).trim(),
    lines: rest.filter((line) => line.startsWith('\t')).map((line) => line.slice(1).split('\t')),
  };
}

export interface ModuleSpec {
  readonly path: string;
  readonly version: string;
  readonly files: Readonly<Record<string, string>>;
}

/** Writes a GOPROXY=file:// module proxy (https://go.dev/ref/mod#goproxy-protocol) holding the modules. */
export async function writeModuleProxy(
  root: string,
  modules: readonly ModuleSpec[],
): Promise<string> {
  for (const mod of modules) {
    const dir = join(root, mod.path, '@v');
    await mkdir(dir, { recursive: true });
    const goMod = mod.files['go.mod'] ?? `module ${mod.path}\n`;
    await writeFile(
      join(dir, `${mod.version}.info`),
      JSON.stringify({ Version: mod.version, Time: '2024-01-01T00:00:00Z' }),
    );
    await writeFile(join(dir, `${mod.version}.mod`), goMod);
    const entries = Object.entries({ ...mod.files, 'go.mod': goMod }).map(([name, content]) => ({
      name: `${mod.path}@${mod.version}/${name}`,
      content,
    }));
    await writeFile(join(dir, `${mod.version}.zip`), buildZip(entries));
    await writeFile(join(dir, 'list'), `${mod.version}\n`, { flag: 'a' });
  }
  return `file://${root}`;
}

/** The build cache: the user's, or a fixed temp folder when the environment names none (no HOME in CI). */
export const GOCACHE =
  process.env['GOCACHE'] ??
  (process.env['HOME'] || process.env['XDG_CACHE_HOME']
    ? undefined
    : join(tmpdir(), 'lockyard-go-build-cache'));

/** An offline Go environment: a local proxy, a private module cache, no toolchain downloads. */
export function goEnv(
  proxy: string,
  gopath: string,
  extra: Readonly<Record<string, string>> = {},
): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOPROXY: proxy,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=mod',
    GOTOOLCHAIN: 'local',
    GOPATH: gopath,
    GOMODCACHE: join(gopath, 'pkg', 'mod'),
    CGO_ENABLED: '0',
    GOWORK: 'off',
    ...(GOCACHE ? { GOCACHE } : {}),
    ...extra,
  };
}

export async function goCommand(
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  await run('go', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
}

export async function gitCommit(cwd: string): Promise<void> {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.org',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.org',
  };
  await run('git', ['init', '-q'], { cwd, env });
  await run('git', ['add', '-A'], { cwd, env });
  await run('git', ['commit', '-q', '-m', 'fixture'], { cwd, env });
}
