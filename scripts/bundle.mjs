// Bundles the compiled CLI (dist/cli/main.js) into one CommonJS file, dist/bundle/lockyard.cjs,
// which bin/lockyard.js loads with a V8 code cache (Node 20 has no compile cache for ES
// modules; `module.enableCompileCache` arrives in Node 22). Our ~450 modules and most small
// dependencies become one file; a command's workflow, loaded with `await import(...)`, is still
// evaluated only when that command runs. Packages that locate files next to themselves
// (__dirname), load natively, or are resolved at run time by name stay external and load from
// node_modules. better-sqlite3 is bundled: its addon is loaded by the path src/store/sqlite.ts
// resolves, so only the .node file comes from node_modules.
//
// After bundling, one training run (`lockyard sbom` of the repository's example image) writes
// the code cache, so the first real run already starts from compiled code.
import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { build } from 'esbuild';

const external = [
  // Optional plug-ins of the CycloneDX library (XML output and validation) that Lockyard does
  // not install: left to a run-time require, which the library tries and catches.
  'xmlbuilder2',
  'libxmljs2',
  'unbzip2-stream',
  'ae-cvss-calculator',
  'fastify',
  'pino',
  'node-forge',
  'undici',
];

// Commander requires `child_process` at load (for executable subcommands, which Lockyard does not
// use), and with it `net` and `dgram`: 5-10 ms of Node's own modules on every start. A static
// require of it inside the bundle gets a stand-in that loads the real module on first use. (Our
// own code already loads it with `await import(...)`, which is not affected.)
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.kind === 'require-call' && args.namespace !== 'lazy-builtin'
        ? { path: 'child_process', namespace: 'lazy-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, () => ({
      contents: `let real;
const load = () => (real ??= require('node:child_process'));
module.exports = new Proxy({}, {
  get: (_, key) => load()[key],
  has: (_, key) => key in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_, key) => ({ ...Reflect.getOwnPropertyDescriptor(load(), key), configurable: true }),
});`,
      loader: 'js',
    }));
  },
};

const outdir = 'dist/bundle';
const result = await build({
  entryPoints: { lockyard: 'dist/cli/main.js' },
  outdir,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external,
  plugins: [lazyChildProcess],
  // `import()` of an external package or a Node built-in becomes a lazy require(): the loader
  // compiles the bundle with vm.Script, which has no dynamic-import hook on Node 20.
  supported: { 'dynamic-import': false },
  // A few modules find their dependencies with createRequire(import.meta.url).
  define: { 'import.meta.url': '__lockyardImportMetaUrl' },
  banner: {
    js: "const __lockyardImportMetaUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  // Whitespace only: a smaller file to read and hash, names kept for stack traces.
  minifyWhitespace: true,
  sourcemap: true,
  write: false,
  logLevel: 'warning',
});

// Written atomically: a CLI started during the build (tests run in parallel) reads either the
// old bundle or the new one, never half of one. Old code caches go; the training run below
// writes the new one.
function removeCodeCaches() {
  for (const name of readdirSync(outdir)) {
    if (name.endsWith('.v8cache') || name.endsWith('.tmp'))
      rmSync(join(outdir, name), { force: true });
  }
}
mkdirSync(outdir, { recursive: true });
for (const name of readdirSync(outdir)) {
  if (!name.startsWith('lockyard.cjs')) rmSync(join(outdir, name), { force: true });
}
removeCodeCaches();
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}

// The bundle must be ASCII (esbuild escapes everything else by default): bin/lockyard.js reads
// it as latin1, which is a plain copy, where utf8 decoding costs a millisecond more per run.
const bundleFile = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
if (bundleFile?.contents.some((byte) => byte > 0x7f)) {
  throw new Error("dist/bundle/lockyard.cjs is not ASCII; keep esbuild's default charset");
}

// The training runs, with the Node flags of bin/lockyard.js's first line so the cache matches:
// a cold run fills a data directory, then the cache is written by a warm run, whose code is what
// every run needs (a cache of a cold run is 7 % larger and makes warm runs 4 ms slower; cold runs
// compile the cataloguing code they need either way).
const nodeFlags = readFileSync('bin/lockyard.js', 'utf8')
  .split('\n', 1)[0]
  .split(/\s+/)
  .filter((word) => word.startsWith('--'));
const dataDir = mkdtempSync(join(tmpdir(), 'lockyard-bundle-'));
const train = () =>
  execFileSync(
    process.execPath,
    [
      ...nodeFlags,
      'bin/lockyard.js',
      'sbom',
      'examples/alpine-3.10.tar.gz',
      '--format',
      'cyclonedx',
      '--output',
      join(dataDir, 'sbom.json'),
      '--data-dir',
      dataDir,
      '--quiet',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
try {
  train();
  removeCodeCaches();
  train();
} catch (error) {
  // Not fatal: the first real run writes the cache instead.
  process.stderr.write(
    `bundle: the training run failed, no code cache written (${error.message})\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
