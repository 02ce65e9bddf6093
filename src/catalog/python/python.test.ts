import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, packageLabel, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import {
  licenseFromClassifier,
  normalizePythonName,
  parseEggRequires,
  pythonCataloger,
} from './index.js';

const fixturePath = (...parts: readonly string[]): string =>
  sharedFixture('pkgdb', 'python', ...parts);
const fixture = (...parts: readonly string[]): Promise<Buffer> => readFile(fixturePath(...parts));
/** Debian's interpreter, where apt's python3-packaging lives (a pyenv shim may shadow `python3`). */
const PYTHON = '/usr/bin/python3';
const header = (path: string, size = 100) => ({ path, type: 'file' as const, mode: 0o644, size });

/** Each real metadata file, and the image path it is placed at for the tests. */
const CASES: readonly (readonly [readonly string[], string])[] = [
  [['scalibr', 'distinfo_meta'], 'usr/lib/python3/dist-packages/pip-22.2.2.dist-info/METADATA'],
  [
    ['scalibr', 'egginfo_pkginfo'],
    'usr/lib/python3/site-packages/setuptools-57.4.0-py3.9.egg-info/PKG-INFO',
  ],
  ...[
    'Flask-2.2.1',
    'Jinja2-3.1.2',
    'MarkupSafe-2.1.1',
    'Werkzeug-2.2.1',
    'click-8.1.3',
    'itsdangerous-2.1.2',
    'pip-22.2.1',
    'setuptools-63.2.0',
    'six-1.16.0',
    'wheel-0.37.1',
  ].map(
    (dist) =>
      [
        ['snyk-docker-plugin', 'ok', 'site-packages', `${dist}.dist-info`, 'METADATA'],
        `usr/local/lib/python3.10/site-packages/${dist}.dist-info/METADATA`,
      ] as const,
  ),
  [['syft', 'Python-2.7.egg-info'], 'usr/lib/python2.7/lib-dynload/Python-2.7.egg-info'],
  [
    ['syft', 'site-packages', 'egg-name', 'egg-info', 'PKG-INFO'],
    'opt/app/site-packages/requests.egg-info/PKG-INFO',
  ],
  [
    ['syft', 'site-packages', 'with-license-file-declared.dist-info', 'METADATA'],
    'opt/app/site-packages/Pygments-2.6.1.dist-info/METADATA',
  ],
  [
    ['trivy', 'distlib-0.3.1-py3.9.egg-info'],
    'usr/lib/python3.9/site-packages/distlib-0.3.1-py3.9.egg-info',
  ],
  [
    ['trivy', 'networkx-3.0.METADATA'],
    'usr/lib/python3.11/site-packages/networkx-3.0.dist-info/METADATA',
  ],
  [
    ['trivy', 'setuptools-51.3.3-py3.8.egg-info.PKG-INFO'],
    'usr/lib/python3.8/site-packages/setuptools-51.3.3-py3.8.egg-info/PKG-INFO',
  ],
  [
    ['trivy', 'zipp-3.12.1.METADATA'],
    'usr/lib/python3.11/site-packages/zipp-3.12.1.dist-info/METADATA',
  ],
];

interface PythonView {
  name: string;
  version: string;
  license: string | null;
  expression: string | null;
  classifiers: string[];
  /** The author (else the maintainer) as name and address, split by `email.utils.getaddresses`. */
  author: [string | null, string | null] | null;
}

/**
 * The reference: CPython's own email parser (what importlib.metadata uses to read METADATA) and
 * `packaging.utils.canonicalize_name` (PEP 503), run on each file.
 */
function pythonReads(paths: readonly string[]): PythonView[] {
  const script = [
    'import email.parser, email.utils, json, sys',
    'from packaging.utils import canonicalize_name',
    'def known(v): return None if v in (None, "", "UNKNOWN") else v',
    'def person(m, field):',
    '    name, addr = known(m[field]), known(m[field + "-email"])',
    '    if not name and not addr: return None',
    '    pairs = email.utils.getaddresses([addr]) if addr else []',
    '    n, e = pairs[0] if pairs else ("", "")',
    '    return [name or n or None, e or None]',
    'out = []',
    'for p in sys.argv[1:]:',
    '    m = email.parser.HeaderParser().parsestr(open(p, encoding="utf-8").read())',
    '    out.append({"name": canonicalize_name(m["Name"]), "version": m["Version"], "license": m["License"], "expression": m["License-Expression"], "classifiers": [c for c in m.get_all("Classifier", []) if c.startswith("License ::")], "author": person(m, "Author") or person(m, "Maintainer")})',
    'print(json.dumps(out))',
  ].join('\n');
  return JSON.parse(
    execFileSync(PYTHON, ['-c', script, ...paths], { encoding: 'utf8' }),
  ) as PythonView[];
}

runCatalogerContract(
  pythonCataloger,
  await Promise.all(
    CASES.slice(0, 4).map(async ([parts, path]) => ({ path, content: await fixture(...parts) })),
  ),
);

describe('python installed metadata against CPython', () => {
  const reference = pythonReads(CASES.map(([parts]) => fixturePath(...parts)));

  it.each(CASES.map((c, i) => [c[1], c[0], i] as const))('%s', async (path, parts, index) => {
    const content = await fixture(...parts);
    const result = await pythonCataloger.parse({ ...header(path, content.length), content });
    const expected = reference[index]!;
    expect(result.warnings).toBeUndefined();
    expect(result.packages).toHaveLength(1);
    const record = result.packages![0]!;
    expect(record.type).toBe('pypi');
    expect(record.name).toBe(expected.name);
    expect(record.version).toBe(expected.version);
    const [authorName, authorEmail] = expected.author ?? [null, null];
    expect(record.originator).toBe(
      authorName && authorEmail
        ? `${authorName} <${authorEmail}>`
        : (authorName ?? (authorEmail ? `<${authorEmail}>` : undefined)),
    );
    // Without licence classifiers (anywhere in the file: CPython stops at a blank line inside an
    // old Description, we read on), a one-line License header (not UNKNOWN) is the licence.
    const license = expected.license?.trim();
    if (expected.expression) expect(record.licenses).toEqual([expected.expression]);
    else if (
      license &&
      license !== 'UNKNOWN' &&
      !license.includes('\n') &&
      expected.classifiers.length === 0 &&
      !content.includes('Classifier: License ::')
    )
      expect(record.licenses).toEqual([license]);
  });

  it.each([
    // Metadata 2.1+: names in the address header, no Author header.
    'Author-email: Armin Ronacher <armin.ronacher@active-4.com>, Pallets <contact@palletsprojects.com>',
    // A quoted display name holding a comma; a backslash-escaped quote inside one.
    'Author-email: "Doe, Jane" <jane@example.org>, Bob <bob@example.org>',
    'Author-email: "The \\"Q\\" Team" <q@example.org>',
    // A bare address list; the Maintainer pair when there is no Author at all.
    'Author-email: jaraco@jaraco.com, other@example.org',
    'Maintainer: Pallets\nMaintainer-email: contact@palletsprojects.com',
    'Author: UNKNOWN\nAuthor-email: UNKNOWN',
  ])('reads the author of %j as CPython splits it', async (headers) => {
    const text = `Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n${headers}\n\n`;
    const dir = mkdtempSync(join(tmpdir(), 'lockyard-pyauthor-'));
    try {
      const path = join(dir, 'METADATA');
      writeFileSync(path, text);
      const [authorName, authorEmail] = pythonReads([path])[0]?.author ?? [null, null];
      const content = Buffer.from(text);
      const result = await pythonCataloger.parse({
        ...header('x/demo-1.0.dist-info/METADATA', content.length),
        content,
      });
      expect(result.packages?.[0]?.originator).toBe(
        authorName && authorEmail
          ? `${authorName} <${authorEmail}>`
          : (authorName ?? (authorEmail ? `<${authorEmail}>` : undefined)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to classifiers, mapping unambiguous ones to SPDX', async () => {
    const parse = async (...parts: string[]) =>
      (
        await pythonCataloger.parse({
          ...header('x.dist-info/METADATA'),
          content: await fixture(...parts),
        })
      ).packages?.[0];
    expect((await parse('trivy', 'setuptools-51.3.3-py3.8.egg-info.PKG-INFO'))?.licenses).toEqual([
      'MIT',
    ]);
    expect((await parse('trivy', 'zipp-3.12.1.METADATA'))?.licenses).toEqual(['MIT']);
    expect(
      (await parse('syft', 'site-packages', 'with-license-file-declared.dist-info', 'METADATA'))
        ?.licenses,
    ).toEqual(['BSD License']);
    // Only a License-File: the licence text lives in another file, not read here.
    expect((await parse('trivy', 'networkx-3.0.METADATA'))?.licenses).toBeUndefined();
    expect(
      (
        await parse(
          'snyk-docker-plugin',
          'ok',
          'site-packages',
          'Flask-2.2.1.dist-info',
          'METADATA',
        )
      )?.metadata,
    ).toEqual({ declaredName: 'Flask' });
    expect(
      licenseFromClassifier(
        'License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)',
      ),
    ).toBe('GPL-2.0-or-later');
    expect(licenseFromClassifier('License :: OSI Approved :: Apache Software License')).toBe(
      'Apache Software License',
    );
    expect(licenseFromClassifier('License :: OSI Approved')).toBeUndefined();
  });

  it('prefers an exact classifier to a vague License text, and an SPDX License to classifiers', async () => {
    // Header lines as Debian's python3-chardet 5.1.0 and python3-requests 2.28.1 ship them.
    const parse = async (extra: string) =>
      (
        await pythonCataloger.parse({
          ...header('a/x-1.dist-info/METADATA'),
          content: Buffer.from(`Name: x\nVersion: 1\n${extra}\n`),
        })
      ).packages?.[0]?.licenses;
    expect(
      await parse(
        'License: LGPL\nClassifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)',
      ),
    ).toEqual(['LGPL-2.0-or-later']);
    expect(
      await parse(
        'License: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License',
      ),
    ).toEqual(['Apache 2.0']);
    expect(
      await parse('License: BSD-3-Clause\nClassifier: License :: OSI Approved :: MIT License'),
    ).toEqual(['BSD-3-Clause']);
  });

  it('prefers License-Expression (core metadata 2.4)', async () => {
    const text =
      'Metadata-Version: 2.4\nName: demo_pkg.x\nVersion: 1.0\nLicense-Expression: MIT OR Apache-2.0\nLicense: ignored\n\nbody: not a header\n';
    const record = (
      await pythonCataloger.parse({
        ...header('a/demo_pkg.x-1.0.dist-info/METADATA'),
        content: Buffer.from(text),
      })
    ).packages?.[0];
    expect(record).toMatchObject({
      name: 'demo-pkg-x',
      version: '1.0',
      licenses: ['MIT OR Apache-2.0'],
    });
  });

  it('normalizes names as PEP 503 does', () => {
    const names = [
      'Flask',
      'zope.interface',
      'typing_extensions',
      'A__B--C..d',
      'ruamel.yaml.clib',
    ];
    const expected = execFileSync(
      PYTHON,
      [
        '-c',
        'import sys\nfrom packaging.utils import canonicalize_name as c\nprint("\\n".join(c(n) for n in sys.argv[1:]))',
        ...names,
      ],
      { encoding: 'utf8' },
    );
    expect(names.map(normalizePythonName)).toEqual(expected.trim().split('\n'));
  });

  it('warns on files that are not metadata', async () => {
    const parse = async (text: string) =>
      pythonCataloger.parse({ ...header('a.dist-info/METADATA'), content: Buffer.from(text) });
    expect((await parse('Name: x\n')).warnings?.[0]).toMatch(/no "Version" header/);
    expect((await parse('Version: 1\n')).warnings?.[0]).toMatch(/no "Name" header/);
    expect((await parse('Name: x y\nVersion: 1\n')).warnings?.[0]).toMatch(
      /not a distribution name/,
    );
    expect((await parse('')).warnings).toHaveLength(1);
  });
});

describe('python claims', () => {
  it.each([
    'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
    'usr/lib/python3.9/site-packages/setuptools-51.3.3-py3.8.egg-info/PKG-INFO',
    'usr/lib/python3.9/site-packages/foo-1.0-py3.9.egg/EGG-INFO/PKG-INFO',
    'usr/lib/python2.7/lib-dynload/Python-2.7.egg-info',
  ])('claims %s', (path) => {
    expect(pythonCataloger.claims(header(path))).toBe(true);
  });

  it.each([
    'usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD',
    'app/METADATA',
    'app/PKG-INFO',
    'app/notegg-info/PKG-INFOX',
    'app/xegg-info/PKG-INFO',
  ])('does not claim %s', (path) => {
    expect(pythonCataloger.claims(header(path))).toBe(false);
  });
});

describe('python end to end through a real image', () => {
  it('reports site-packages with purls and locations', async () => {
    const files: Record<string, Buffer> = {};
    for (const [parts, path] of CASES.slice(2, 12)) files[path] = await fixture(...parts);
    const catalog = await catalogFiles(files);
    const pypi = catalog.packages.filter((p) => p.type === 'pypi');
    expect(pypi.map((p) => p.purl).sort()).toEqual(
      [
        'click@8.1.3',
        'flask@2.2.1',
        'itsdangerous@2.1.2',
        'jinja2@3.1.2',
        'markupsafe@2.1.1',
        'pip@22.2.1',
        'setuptools@63.2.0',
        'six@1.16.0',
        'werkzeug@2.2.1',
        'wheel@0.37.1',
      ].map((id) => `pkg:pypi/${id}`),
    );
    expect(
      pypi.find((p) => p.name === 'flask')?.locations.map((l) => [l.path, l.layerIndex]),
    ).toEqual([['usr/local/lib/python3.10/site-packages/Flask-2.2.1.dist-info/METADATA', 0]]);
  });
});

describe('python dependencies', () => {
  const SITE = fixturePath('snyk-docker-plugin', 'ok', 'site-packages');

  /**
   * CPython's importlib.metadata as the reference: the names each distribution requires (its
   * Requires-Dist, or an egg-info folder's requires.txt turned into markers), extras left out.
   */
  function cpythonRequires(site = SITE): Record<string, string[]> {
    const script = [
      'import importlib.metadata as m, json, re, sys',
      'norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()',
      'dists = {norm(d.metadata["Name"]): d for d in m.distributions(path=[sys.argv[1]])}',
      'out = {}',
      'for name, d in dists.items():',
      '    needs = set()',
      '    for r in d.requires or []:',
      '        if re.search(r";.*\\bextra\\s*==", r): continue',
      '        dep = norm(re.match(r"\\s*([A-Za-z0-9][A-Za-z0-9._-]*)", r).group(1).rstrip("._-"))',
      '        if dep in dists: needs.add(dep)',
      '    out[name] = sorted(needs)',
      'print(json.dumps(out))',
    ].join('\n');
    return JSON.parse(execFileSync(PYTHON, ['-c', script, site], { encoding: 'utf8' })) as Record<
      string,
      string[]
    >;
  }

  it('links each distribution to the ones its Requires-Dist names in the same site-packages, as CPython reads them', async () => {
    const files: Record<string, Buffer> = {};
    for (const [parts, path] of CASES.slice(2, 12)) files[path] = await fixture(...parts);
    // Flask alone in a virtualenv: its requirements are not installed there.
    const flask = CASES.find(([, path]) => path.includes('Flask-2.2.1.dist-info'));
    if (flask)
      files[`opt/venv/lib/python3.10/site-packages/Flask-2.2.1.dist-info/METADATA`] = await fixture(
        ...flask[0],
      );
    const catalog = await catalogFiles(files);
    const pypi = catalog.packages.filter((p) => p.type === 'pypi');
    const byId = new Map(pypi.map((p) => [p.id, p]));
    const inSite = pypi.filter((p) => !p.locations[0]?.path.startsWith('opt/venv/'));
    const ours = Object.fromEntries(
      inSite.map((p) => [p.name, (p.dependsOn ?? []).map((id) => byId.get(id)?.name).sort()]),
    );
    const expected = cpythonRequires();
    expect(expected['flask']).toEqual(['click', 'itsdangerous', 'jinja2', 'werkzeug']);
    expect(ours).toEqual(expected);
    const venvFlask = pypi.find((p) => p.locations[0]?.path.startsWith('opt/venv/'));
    expect(venvFlask?.name).toBe('flask');
    expect(venvFlask?.dependsOn).toBeUndefined();
  });

  it("reads an egg-info folder's requires.txt as CPython does (Debian's dist-packages)", async () => {
    const site = new URL('./__fixtures__/debian-dist-packages/', import.meta.url).pathname;
    const files: Record<string, Buffer> = {};
    for (const path of [
      'lazr.restfulclient-0.14.5.egg-info/PKG-INFO',
      'lazr.restfulclient-0.14.5.egg-info/requires.txt',
      'PyGObject-3.42.2.egg-info/PKG-INFO',
      'PyGObject-3.42.2.egg-info/requires.txt',
      'cryptography.egg-info/PKG-INFO',
      'cryptography.egg-info/requires.txt',
      'httplib2-0.20.4.dist-info/METADATA',
      'pyparsing-3.0.9.dist-info/METADATA',
    ])
      files[`usr/lib/python3/dist-packages/${path}`] = await readFile(join(site, path));
    const catalog = await catalogFiles(files, [pythonCataloger]);
    const byId = new Map(catalog.packages.map((p) => [p.id, p.name]));
    const ours = Object.fromEntries(
      catalog.packages.map((p) => [p.name, (p.dependsOn ?? []).map((id) => byId.get(id)).sort()]),
    );
    const expected = cpythonRequires(site);
    // requires.txt `[:python_version < "3"]` is no extra; `[test]`, `[docs]` are.
    expect(expected['lazr-restfulclient']).toEqual(['httplib2']);
    expect(expected['httplib2']).toEqual(['pyparsing']);
    expect(ours).toEqual(expected);
    expect(catalog.packages.map((p) => p.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it("reads a zipped egg's EGG-INFO/requires.txt", async () => {
    const site = new URL('./__fixtures__/debian-dist-packages/', import.meta.url).pathname;
    const egg = 'lazr.restfulclient-0.14.5.egg-info';
    const script = [
      'import io, sys, zipfile',
      'buf = io.BytesIO()',
      'with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:',
      '    z.write(sys.argv[1] + "/PKG-INFO", "EGG-INFO/PKG-INFO")',
      '    z.write(sys.argv[1] + "/requires.txt", "EGG-INFO/requires.txt")',
      'sys.stdout.buffer.write(buf.getvalue())',
    ].join('\n');
    const zipped = execFileSync(PYTHON, ['-c', script, join(site, egg)]);
    const catalog = await catalogFiles(
      {
        'usr/lib/python3/dist-packages/lazr.restfulclient-0.14.5-py3.11.egg': zipped,
        'usr/lib/python3/dist-packages/httplib2-0.20.4.dist-info/METADATA': await readFile(
          join(site, 'httplib2-0.20.4.dist-info/METADATA'),
        ),
      },
      [pythonCataloger],
    );
    expect(dependencyEdges(catalog.packages)).toEqual([
      'lazr-restfulclient@0.14.5 -> httplib2@0.20.4',
    ]);
  });

  it('requires.txt: the unnamed and `[:marker]` sections count, extras and comments do not', () => {
    const text = [
      '# setuptools writes no comments, a hand may',
      'zope.interface>=5',
      '',
      '[:python_version < "3.8"]',
      'importlib_metadata',
      '',
      '[docs]',
      'Sphinx',
      '',
      '[test:sys_platform == "win32"]',
      'pywin32',
      '',
      '[ : os_name == "nt" ]',
      'colorama',
    ].join('\r\n');
    expect(parseEggRequires(text)).toEqual([
      ['zope-interface'],
      ['importlib-metadata'],
      ['colorama'],
    ]);
    expect(pythonCataloger.claims(header('x/foo-1.0.egg-info/requires.txt'))).toBe(true);
    expect(pythonCataloger.claims(header('x/foo-1.0.egg/EGG-INFO/requires.txt'))).toBe(true);
    expect(pythonCataloger.claims(header('app/requires.txt'))).toBe(false);
  });
});

describe('poetry.lock dependencies', () => {
  it.each([
    [
      'syft/poetry/simple-deps/poetry.lock',
      'trivy-syft-poetry-simple-deps-poetry-dependencies.json',
    ],
    ['trivy/poetry_flask.lock', 'trivy-trivy-poetry_flask-dependencies.json'],
    ['trivy/poetry_v2_flask.lock', 'trivy-trivy-poetry_v2_flask-dependencies.json'],
  ])('%s: the edges Trivy writes, among the packages both report', async (lock, reference) => {
    const catalog = await catalogFiles({ 'app/poetry.lock': await fixture(...lock.split('/')) }, [
      pythonCataloger,
    ]);
    const ours = dependencyEdges(catalog.packages);
    // Trivy also reports poetry 2's dev group (`groups = ["dev"]`: pytest and what it needs);
    // Lockyard leaves dev-only packages out by default.
    const reported = new Set(catalog.packages.map(packageLabel));
    const trivy = (
      JSON.parse(
        await readFile(new URL(`./__fixtures__/${reference}`, import.meta.url), 'utf8'),
      ) as string[]
    ).filter((edge) => edge.split(' -> ').every((end) => reported.has(end)));
    expect(trivy.length).toBeGreaterThan(3);
    expect(ours).toEqual(trivy);
  });
});
