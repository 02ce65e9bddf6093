// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/: our ~450 modules and most small
// dependencies become a few chunks, so a CLI run does not spend ~100 ms resolving and reading
// files. Dynamic imports stay separate chunks (each command still loads its workflow on use).
// Packages that locate files next to themselves (__dirname), load natively, or are resolved at
// run time by name stay external and load from node_modules.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const external = [
  // Optional plug-ins of the CycloneDX library (XML output and validation) that Lockyard does
  // not install: left to a run-time require, which the library tries and catches.
  'xmlbuilder2',
  'libxmljs2',
  'better-sqlite3',
  'unbzip2-stream',
  'ae-cvss-calculator',
  'fastify',
  'pino',
  'node-forge',
  'undici',
];

const result = await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __lockyardCreateRequire } from 'node:module'; const require = __lockyardCreateRequire(import.meta.url);",
  },
});

// Chunk names carry content hashes, so every change leaves old chunks behind. Remove those this
// build did not write, once they are a few minutes old: a CLI started just before this build
// (tests run in parallel) may still import its own chunks.
const written = new Set(
  Object.keys(result.metafile.outputs).map((file) => relative('dist/bundle', file)),
);
const stale = Date.now() - 5 * 60 * 1000;
for (const name of readdirSync('dist/bundle')) {
  const path = join('dist/bundle', name);
  if (!written.has(name) && statSync(path).mtimeMs < stale) rmSync(path, { force: true });
}
