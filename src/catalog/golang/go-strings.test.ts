import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { unquoteGo } from './go-quote.js';
import { canonicalSemver, isFullSemver, stdlibVersion } from './go-version.js';
import { ldflagsVersion, linkerDefinitions, shellWords } from './ldflags.js';
import { parseModInfo } from './modinfo.js';
import { GOCACHE } from './testing/go-toolchain.js';

const run = promisify(execFile);
const scratch = useTempDir('lockyard-go-strings-');

describe('unquoteGo agrees with Go strconv.Unquote', () => {
  const inputs = [
    '"plain"',
    '"-s -w -X main.version=1.0"',
    '"tab\\there"',
    '"quote \\" and backslash \\\\"',
    '"hex \\x41\\x42 octal \\101 unicode \\u00e9 \\U0001F600"',
    '"bell \\a form \\f vtab \\v"',
    '`raw \\n stays`',
    '"é直接"',
    '"bad escape \\q"',
    '"unterminated',
    '"\\xZZ"',
    '"\\400"',
    '"\\ud800"',
    '"inner " quote"',
    '`raw ` inner`',
    "'c'",
  ];

  it('for every row of the table', async () => {
    const program = join(scratch, 'unquote.go');
    await writeFile(
      program,
      [
        'package main',
        'import ("encoding/json"; "os"; "strconv")',
        'func main() {',
        '  var in []string',
        '  _ = json.NewDecoder(os.Stdin).Decode(&in)',
        '  out := []any{}',
        '  for _, s := range in { v, err := strconv.Unquote(s); if err != nil || s[0] == 39 { out = append(out, nil) } else { out = append(out, v) } }',
        '  _ = json.NewEncoder(os.Stdout).Encode(out)',
        '}',
      ].join('\n'),
    );
    const child = run('go', ['run', program], {
      env: {
        ...process.env,
        GOTOOLCHAIN: 'local',
        GOFLAGS: '',
        GO111MODULE: 'off',
        ...(GOCACHE ? { GOCACHE } : {}),
      },
    });
    child.child.stdin?.end(JSON.stringify(inputs));
    const expected = JSON.parse((await child).stdout) as (string | null)[];
    expect(inputs.map((input) => unquoteGo(input) ?? null)).toEqual(expected);
  });
});

describe('shellWords agrees with POSIX shlex (Python shlex.split)', () => {
  const lines = [
    '-s -w -X main.version=1.0.0',
    `-X 'main.version=1.0 beta' -X "main.commit=abc def"`,
    `-X main.version=v1.2.3\\ x -extldflags "-static -L\\"/a b\\""`,
    `  leading   and trailing  `,
    `a'b'"c"d`,
    `"unterminated`,
  ];

  it('for every row of the table', async () => {
    const child = run('python3', [
      '-c',
      'import json, shlex, sys\nout = []\nfor line in json.load(sys.stdin):\n    try:\n        out.append(shlex.split(line, posix=True))\n    except ValueError:\n        out.append(None)\nprint(json.dumps(out))',
    ]);
    child.child.stdin?.end(JSON.stringify(lines));
    const expected = JSON.parse((await child).stdout) as (string[] | null)[];
    expect(lines.map((line) => shellWords(line) ?? null)).toEqual(expected);
  });
});

describe('Go version strings', () => {
  it.each([
    ['v1.2.3', 'v1.2.3'],
    ['v1.2', 'v1.2.0'],
    ['v1', 'v1.0.0'],
    ['v1.2.3-rc.1+build.5', 'v1.2.3-rc.1'],
    ['v2.0.0+incompatible', 'v2.0.0+incompatible'],
    ['v0.0.0-20220907171357-04be3eba64a2', 'v0.0.0-20220907171357-04be3eba64a2'],
    ['v1.2-pre', undefined],
    ['v01.2.3', undefined],
    ['1.2.3', undefined],
    ['vx', undefined],
  ])('canonicalSemver(%s) = %s', (input, expected) => {
    expect(canonicalSemver(input)).toBe(expected);
  });

  it('tells full versions from shorthands', () => {
    expect(isFullSemver('v1.2.3')).toBe(true);
    expect(isFullSemver('v1.2')).toBe(false);
    expect(isFullSemver('(devel)')).toBe(false);
  });

  it.each([
    ['go1.22.0', 'v1.22.0'],
    ['go1.20', 'v1.20.0'],
    ['go1.21rc2', 'v1.21.0-rc.2'],
    ['go1.19beta1', 'v1.19.0-beta.1'],
    ['go1.22.3 X:boringcrypto', 'v1.22.3'],
    ['go1.15.2', 'v1.15.2'],
    ['devel go1.23-7b8b2e4 Tue Jan 2 2024', undefined],
    ['', undefined],
  ])('stdlibVersion(%s) = %s', (input, expected) => {
    expect(stdlibVersion(input)).toBe(expected);
  });
});

describe('main module version from -ldflags, ranked as Trivy ranks it', () => {
  it.each([
    ['-s -w -X main.version=1.4.2', 'v1.4.2'],
    ['-X=main.version=v2.0.0', 'v2.0.0'],
    ["-X 'main.version=1.0.0'", 'v1.0.0'],
    ['-X main.Version=1.2', 'v1.2.0'],
    ['-X github.com/org/app/cmd/app.version=3.0.0 -X main.version=1.0.0', 'v3.0.0'],
    ['-X github.com/org/app/internal/version.ver=0.9.1', 'v0.9.1'],
    ['-X github.com/x/y/z.version=5.0.0', 'v5.0.0'],
    ['-X main.version=1.0.0 -X common.version=2.0.0', undefined],
    ['-X main.version=dev', undefined],
    ['-X main.commit=1.0.0', undefined],
    ['-s -w', undefined],
  ])('%s -> %s', (flags, expected) => {
    expect(ldflagsVersion('github.com/org/app', flags)).toBe(expected);
  });

  it('reads every -X form the linker accepts', () => {
    expect([
      ...linkerDefinitions(['-X', 'a.b=1', '-X=c.d=2', '--X', 'e.f=3', '--X=g.h=4', '-Xi.j=5']),
    ]).toEqual([
      ['a.b', '1'],
      ['c.d', '2'],
      ['e.f', '3'],
      ['g.h', '4'],
    ]);
  });
});

describe('parseModInfo', () => {
  it('reads quoted build keys and values and keeps going past bad lines', () => {
    const info = parseModInfo(
      [
        'path\texample.com/app',
        'mod\texample.com/app\t(devel)\t',
        'dep\texample.com/a\tv1.0.0\th1:abc=',
        '=>\texample.com/b\tv1.1.0\th1:def=',
        'dep\texample.com/c\tv1.0.0\textra\tcolumns',
        '=>\torphan\tv1\th1:x',
        'build\t-ldflags="-X main.version=1.0.0"',
        'build\t"we=ird"="va lue"',
        'build\tvcs.revision=abc',
        'trailing line without newline',
      ].join('\n'),
    );
    expect(info.main).toEqual({ path: 'example.com/app', version: '(devel)', sum: '' });
    expect(info.deps).toEqual([
      {
        path: 'example.com/a',
        version: 'v1.0.0',
        sum: 'h1:abc=',
        replace: { path: 'example.com/b', version: 'v1.1.0', sum: 'h1:def=' },
      },
    ]);
    expect(info.settings).toEqual([
      { key: '-ldflags', value: '-X main.version=1.0.0' },
      { key: 'we=ird', value: 'va lue' },
      { key: 'vcs.revision', value: 'abc' },
    ]);
    expect(info.problems).toEqual([
      'modinfo line 5: expected 2 or 3 columns, got 4',
      'modinfo line 6: replacement with no module on the line before',
    ]);
  });
});
