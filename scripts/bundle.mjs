// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/: our ~450 modules and most small
// dependencies become a few chunks, so a CLI run does not spend ~100 ms resolving and reading
// files. Dynamic imports stay separate chunks (each command still loads its workflow on use).
// Packages that locate files next to themselves (__dirname), load natively, or are resolved at
// run time by name stay external and load from node_modules.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const external = [
  'better-sqlite3',
  '@cyclonedx/cyclonedx-library',
  'unbzip2-stream',
  'ae-cvss-calculator',
  'fastify',
  'pino',
  'node-forge',
  'undici',
];

// Chunk names carry content hashes: start empty so old chunks do not pile up.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  sourcemap: true,
  logLevel: 'warning',
  // CommonJS dependencies inside an ES module bundle still call require().
  banner: {
    js: "import { createRequire as __lockyardCreateRequire } from 'node:module'; const require = __lockyardCreateRequire(import.meta.url);",
  },
});
