import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogFiles, dependencyEdges, sharedFixture } from '../../testing/index.js';
import { runCatalogerContract } from '../testing/cataloger-contract.js';
import type { Catalog } from '../catalog.js';
import { rubyCataloger } from './index.js';

const fixturePath = (...parts: string[]): string => sharedFixture('pkgdb', 'ruby', ...parts);
const fixture = (...parts: string[]): Promise<Buffer> => readFile(fixturePath(...parts));
const header = (path: string) => ({ path, type: 'file' as const, mode: 0o644, size: 100 });

const GEMSPECS = [
  ['scalibr', 'rss-0.2.9.gemspec'],
  ['scalibr', 'yaml-0.2.1.gemspec'],
  ['syft', 'bundler.gemspec'],
  ['syft', 'formatador.gemspec'],
  ['trivy', 'multiple_licenses.gemspec'],
];
const LOCKS = [
  ['trivy', 'Gemfile_bundler2.lock'],
  ['scalibr', 'has-git-gem.lock'],
  ['scalibr', 'rails.lock'],
  ['syft', 'Gemfile.lock'],
];

/** The reference: RubyGems itself loading (evaluating) each trusted fixture gemspec. */
function rubyGemspecs(paths: readonly string[]): string[] {
  const script =
    'ARGV.each { |f| s = Gem::Specification.load(f); puts [s.name, s.version, s.licenses.join(","), s.platform].join(" ") + "\\t" + [s.authors.first.to_s, Array(s.email).first.to_s].join("\\t") }';
  return execFileSync('ruby', ['-e', script, ...paths], { encoding: 'utf8' })
    .trim()
    .split('\n');
}

/** The reference: Bundler's own LockfileParser (with an empty Gemfile so it can start). */
function bundlerSpecs(path: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lockyard-bundler-'));
  try {
    writeFileSync(join(dir, 'Gemfile'), '');
    const script =
      'p = Bundler::LockfileParser.new(File.read(ARGV[0])); p.specs.each { |s| puts "#{s.name}@#{s.version}@#{s.platform}" }';
    const out = execFileSync('ruby', ['-rbundler', '-e', script, path], {
      encoding: 'utf8',
      env: { ...process.env, BUNDLE_GEMFILE: join(dir, 'Gemfile') },
    });
    return [...new Set(out.trim().split('\n'))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bundler's own reading: each spec's dependencies, each as the spec of that name in the lock. */
function bundlerEdges(path: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'lockyard-bundler-'));
  try {
    writeFileSync(join(dir, 'Gemfile'), '');
    const script = [
      'p = Bundler::LockfileParser.new(File.read(ARGV[0]))',
      'by = {}; p.specs.each { |s| by[s.name] ||= s }',
      'p.specs.each { |s| s.dependencies.each { |d| t = by[d.name]; puts "#{s.name}@#{s.version} -> #{t.name}@#{t.version}" if t } }',
    ].join('\n');
    const out = execFileSync('ruby', ['-rbundler', '-e', script, path], {
      encoding: 'utf8',
      env: { ...process.env, BUNDLE_GEMFILE: join(dir, 'Gemfile') },
    });
    return [
      ...new Set(
        out
          .trim()
          .split('\n')
          .filter((line) => line !== ''),
      ),
    ].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

runCatalogerContract(rubyCataloger, [
  {
    path: 'usr/lib/ruby/gems/3.1.0/specifications/rss-0.2.9.gemspec',
    content: await fixture('scalibr', 'rss-0.2.9.gemspec'),
  },
  {
    path: 'usr/lib/ruby/gems/3.1.0/specifications/default/yaml-0.2.1.gemspec',
    content: await fixture('scalibr', 'yaml-0.2.1.gemspec'),
  },
  { path: 'app/Gemfile.lock', content: await fixture('scalibr', 'rails.lock') },
]);

describe('installed gemspecs against RubyGems', () => {
  const reference = rubyGemspecs(GEMSPECS.map((parts) => fixturePath(...parts)));

  it.each(GEMSPECS.map((parts, index) => [parts.join('/'), parts, index] as const))(
    '%s',
    async (_label, parts, index) => {
      const content = await fixture(...parts);
      const result = await rubyCataloger.parse({
        ...header(`usr/local/bundle/specifications/${parts[1]}`),
        content,
      });
      expect(result.warnings).toBeUndefined();
      const record = result.packages?.[0];
      const platform = record?.qualifiers?.['platform'] ?? 'ruby';
      const [identity, author, email] = (reference[index] ?? '').split('\t');
      expect(
        [record?.name, record?.version, (record?.licenses ?? []).join(','), platform].join(' '),
      ).toBe(identity);
      // The first author, with the first address: what RubyGems itself holds.
      expect(record?.originator).toBe(
        author ? (email ? `${author} <${email}>` : author) : email ? `<${email}>` : undefined,
      );
    },
  );

  it('reads the spec variable name, platforms, Gem::Version and the stub line fallback', async () => {
    const parse = async (text: string) =>
      (
        await rubyCataloger.parse({
          ...header('specifications/x.gemspec'),
          content: Buffer.from(text),
        })
      ).packages?.[0];
    expect(
      await parse(
        'Gem::Specification.new do |spec|\n  spec.name = %q{nokogiri}\n  spec.version = Gem::Version.new("1.15.4")\n  spec.platform = "x86_64-linux".freeze\n  spec.license = "MIT"\nend\n',
      ),
    ).toEqual({
      type: 'gem',
      name: 'nokogiri',
      version: '1.15.4',
      licenses: ['MIT'],
      qualifiers: { platform: 'x86_64-linux' },
    });
    expect(
      await parse(
        '# stub: json 2.6.2 ruby lib\nGem::Specification.new do |s|\n  s.name = name_from_elsewhere\nend\n',
      ),
    ).toEqual({ type: 'gem', name: 'json', version: '2.6.2' });
  });

  it('warns on specs it cannot read, without evaluating anything', async () => {
    const parse = async (text: string) =>
      (
        await rubyCataloger.parse({
          ...header('specifications/x.gemspec'),
          content: Buffer.from(text),
        })
      ).warnings;
    expect(await parse('Gem::Specification.new do |s|\n  s.name = "x"\nend\n')).toEqual([
      'no version found: not an installed gem specification',
    ]);
    expect(await parse('s.name = "a b"\ns.version = "1"\n')).toEqual([
      'gem name "a b" is not a gem name',
    ]);
    expect(await parse('s.name = "#{`rm -rf /`}"\ns.version = "1"\n')).toEqual([
      'no name found: not an installed gem specification',
    ]);
    expect(await parse('s.name = "x"\ns.version = "1.0; system(1)"\n')).toEqual([
      'gem version "1.0; system(1)" is not a gem version',
    ]);
  });
});

describe('Gemfile.lock against Bundler', () => {
  it.each(LOCKS.map((parts) => [parts.join('/'), parts] as const))('%s', async (_label, parts) => {
    const content = await fixture(...parts);
    const result = await rubyCataloger.parse({ ...header('srv/app/Gemfile.lock'), content });
    expect(result.warnings).toBeUndefined();
    const ours = (result.packages ?? [])
      .map((r) => `${r.name}@${r.version}@${r.qualifiers?.['platform'] ?? 'ruby'}`)
      .sort();
    expect(ours).toEqual(bundlerSpecs(fixturePath(...parts)));
  });

  it.each(LOCKS.map((parts) => [parts.join('/'), parts] as const))(
    '%s: each spec depends on what Bundler reads',
    async (_label, parts) => {
      const catalog = await catalogFiles({ 'srv/app/Gemfile.lock': await fixture(...parts) }, [
        rubyCataloger,
      ]);
      const ours = dependencyEdges(catalog.packages);
      expect(ours).toEqual(bundlerEdges(fixturePath(...parts)));
    },
  );

  it('marks direct dependencies and non-rubygems sources', async () => {
    const result = await rubyCataloger.parse({
      ...header('Gemfile.lock'),
      content: await fixture('scalibr', 'has-git-gem.lock'),
    });
    const byName = new Map(result.packages?.map((r) => [r.name, r.metadata]));
    expect(byName.get('hanami-utils')).toEqual({ direct: true, source: 'git' });
    expect(byName.get('rack')).toEqual({ direct: false });
  });

  it('splits the platform off as bundler does', async () => {
    const text =
      'GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.1)\n\nDEPENDENCIES\n  nokogiri\n';
    const result = await rubyCataloger.parse({
      ...header('Gemfile.lock'),
      content: Buffer.from(text),
    });
    expect(result.packages?.[0]).toMatchObject({
      name: 'nokogiri',
      version: '1.15.4',
      qualifiers: { platform: 'x86_64-linux' },
      metadata: { direct: true },
    });
  });
});

describe('ruby claims', () => {
  it.each([
    'usr/local/bundle/specifications/rack-2.2.3.gemspec',
    'var/lib/gems/3.1.0/specifications/default/json-2.6.1.gemspec',
    'app/Gemfile.lock',
    'Gemfile.lock',
    'app/gems.locked',
  ])('claims %s', (path) => {
    expect(rubyCataloger.claims(header(path))).toBe(true);
  });
  it.each([
    'app/rack.gemspec',
    'usr/local/bundle/gems/http_parser.rb-0.6.0/Gemfile.lock',
    'app/vendor/bundle/ruby/3.1.0/gems/x-1/Gemfile.lock',
    'app/Gemfile',
  ])('does not claim %s', (path) => {
    expect(rubyCataloger.claims(header(path))).toBe(false);
  });
});

describe('ruby end to end through a real image', () => {
  it('reports installed gems with purls and locations', async () => {
    const catalog = await catalogFiles({
      'usr/lib/ruby/gems/3.1.0/specifications/rss-0.2.9.gemspec': await fixture(
        'scalibr',
        'rss-0.2.9.gemspec',
      ),
      'usr/lib/ruby/gems/3.1.0/specifications/default/yaml-0.2.1.gemspec': await fixture(
        'scalibr',
        'yaml-0.2.1.gemspec',
      ),
    });
    const gems = catalog.packages.filter((p) => p.type === 'gem');
    expect(gems.map((p) => [p.purl, p.licenses, p.locations[0]?.path])).toEqual([
      [
        'pkg:gem/rss@0.2.9',
        ['BSD-2-Clause'],
        'usr/lib/ruby/gems/3.1.0/specifications/rss-0.2.9.gemspec',
      ],
      [
        'pkg:gem/yaml@0.2.1',
        ['Ruby', 'BSD-2-Clause'],
        'usr/lib/ruby/gems/3.1.0/specifications/default/yaml-0.2.1.gemspec',
      ],
    ]);
  });
});

/** Each gem as `name-version` (RubyGems' full name) with the full names it depends on. */
function gemGraph(catalog: Catalog): Record<string, string[]> {
  const byId = new Map(catalog.packages.map((p) => [p.id, `${p.name}-${p.version}`]));
  return Object.fromEntries(
    catalog.packages.map((p) => [
      `${p.name}-${p.version}`,
      (p.dependsOn ?? []).map((id) => byId.get(id) ?? id).sort(),
    ]),
  );
}

describe('gem dependencies against RubyGems', () => {
  // This machine's Ruby (Debian's ruby3.1): its GEM_HOME holds bundled gems and default gems,
  // several with runtime dependencies (net-imap needs net-protocol, date, ...).
  const home = execFileSync(
    'ruby',
    ['-e', 'print File.dirname(File.dirname(Gem.default_specifications_dir))'],
    { encoding: 'utf8' },
  );

  /** RubyGems itself: each spec's runtime dependencies, activated in that GEM_HOME alone. */
  function rubygemsGraph(gemHome = home): Record<string, string[]> {
    const script = [
      'require "json"',
      'Gem.paths = { "GEM_HOME" => ARGV[0], "GEM_PATH" => ARGV[0] }',
      'out = {}',
      'Gem::Specification.each do |spec|',
      '  out[spec.full_name] = spec.runtime_dependencies.filter_map { |d| begin; d.to_spec.full_name; rescue Gem::LoadError, StandardError; nil; end }.sort',
      'end',
      'print JSON.generate(out)',
    ].join('\n');
    return JSON.parse(
      execFileSync('ruby', ['-e', script, gemHome], { encoding: 'utf8' }),
    ) as Record<string, string[]>;
  }

  it.runIf(existsSync(join(home, 'specifications')))(
    'links each installed gem to the gems RubyGems activates for it',
    async () => {
      const files: Record<string, Buffer> = {};
      for (const dir of ['specifications', 'specifications/default']) {
        for (const name of readdirSync(join(home, dir))) {
          if (name.endsWith('.gemspec'))
            files[`${home.slice(1)}/${dir}/${name}`] = await readFile(join(home, dir, name));
        }
      }
      const catalog = await catalogFiles(files, [rubyCataloger]);
      const ours = gemGraph(catalog);
      const expected = rubygemsGraph();
      expect(Object.values(expected).flat().length).toBeGreaterThan(5);
      expect(ours).toEqual(expected);
    },
  );
  it('picks, of two installed versions, the newest one the requirement allows, as RubyGems does', async () => {
    // Specifications written by RubyGems itself (Gem::Specification#to_ruby), in a GEM_HOME of
    // their own: lib 1.2.5 and 2.0.0, and gems that need `~> 1.2`, `>= 1.0, < 3`, `~> 0.9`
    // (met by none: RubyGems would not load it) and any version.
    const gemHome = mkdtempSync(join(tmpdir(), 'lockyard-gems-'));
    try {
      const script = [
        'dir = ARGV[0]',
        'Dir.mkdir(File.join(dir, "specifications"))',
        'def write(dir, name, version, runtime, development = [])',
        '  spec = Gem::Specification.new do |s|',
        '    s.name = name; s.version = version; s.summary = "x"; s.authors = ["x"]; s.files = []',
        '    runtime.each { |d| s.add_runtime_dependency(*d) }',
        '    development.each { |d| s.add_development_dependency(*d) }',
        '  end',
        '  File.write(File.join(dir, "specifications", "#{spec.full_name}.gemspec"), spec.to_ruby)',
        'end',
        'write(dir, "lib", "1.2.5", [])',
        'write(dir, "lib", "2.0.0", [])',
        'write(dir, "app", "1.0.0", [["lib", "~> 1.2"]], [["lib", ">= 2"]])',
        'write(dir, "tool", "1.0.0", [["lib", ">= 1.0", "< 3"]])',
        'write(dir, "legacy", "1.0.0", [["lib", "~> 0.9"]])',
        'write(dir, "any", "1.0.0", [["lib"]])',
      ].join('\n');
      execFileSync('ruby', ['-e', script, gemHome]);
      const files: Record<string, Buffer> = {};
      for (const name of readdirSync(join(gemHome, 'specifications')))
        files[`opt/gems/specifications/${name}`] = await readFile(
          join(gemHome, 'specifications', name),
        );
      const catalog = await catalogFiles(files, [rubyCataloger]);
      const ours = gemGraph(catalog);
      // Ruby's own default gems are always there too: compare the gems of this GEM_HOME.
      const expected = Object.fromEntries(
        Object.entries(rubygemsGraph(gemHome)).filter(([gem]) => gem in ours),
      );
      expect(Object.keys(expected).sort()).toEqual(Object.keys(ours).sort());
      expect(expected['app-1.0.0']).toEqual(['lib-1.2.5']);
      expect(expected['legacy-1.0.0']).toEqual([]);
      expect(ours).toEqual(expected);
      // The constraints served the resolution and are not part of the catalog.
      expect(catalog.packages.some((p) => 'requireConstraints' in p)).toBe(false);
    } finally {
      rmSync(gemHome, { recursive: true, force: true });
    }
  });
});
