#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS LOCKYARD_EXTRA_CA_CERTS=${NODE_EXTRA_CA_CERTS} MALLOC_ARENA_MAX=1 node --max-semi-space-size=2 --initial-old-space-size=32 --interrupt-budget=540672 --expose-gc
'use strict';
// The published entry point: runs the bundled CLI (dist/bundle/lockyard.cjs, built by `npm ci`
// through `prepare`) from a V8 code cache, so a run does not parse and compile 1.7 MB of
// JavaScript again (Node 20 has no compile cache of its own; see docs/development.md).
// CommonJS (bin/package.json): an ES-module entry would start Node's ES-module loader as well.
// A small young generation (2 MB semi-spaces) keeps peak memory down at no measurable cost in
// speed: the CLI allocates in bursts and runs briefly. A 32 MB initial old generation: V8 counts
// the layer buffers in flight (ArrayBuffers outside its heap) against its first, small old-space
// limit, and on a large gzip image ran a full collection every ~20 ms that freed nothing (120 on
// a 2 GB image; 38 with this, and -12 % wall time); the heap itself stays small, and peak memory
// is unchanged. `--expose-gc` lets the layer reader collect the young generation while it
// decompresses (src/oci/layer/young-garbage.ts). An interrupt budget 8 times V8's default
// (67,584): a function must run 8 times as long before V8 queues it for TurboFan. On two cores,
// the optimising compiler's threads otherwise spent ~200 ms of CPU on a 0.7 s gzip scan, taking a
// core from the inflater; what stays hot on a large image is still optimised, a little later
// (cold: gzip 95 MB layer -10 %, 2 GB image -5 %, 100 MB jar -20 %; warm unchanged). One
// malloc arena instead of glibc's one per thread (up to 8 per core): buffers freed by other
// threads are reused rather than kept per arena, 8-10 MB less peak memory and no measured
// cost in speed (docs/benchmarks.md). `NODE_EXTRA_CA_CERTS` is moved aside: Node would parse that
// bundle (~150 certificates on a Debian system) before the first line of JavaScript, ~25 ms of
// every run; it is read instead when a TLS client first needs it (src/trust/index.ts), and put
// back into the environment below for any child process.
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const bundle = join(__dirname, '..', 'dist', 'bundle', 'lockyard.cjs');

// Set (possibly empty) only by the line above; absent when Node was started otherwise.
const deferredCa = process.env.LOCKYARD_EXTRA_CA_CERTS;
delete process.env.LOCKYARD_EXTRA_CA_CERTS;
if (deferredCa) process.env.NODE_EXTRA_CA_CERTS = deferredCa;

/**
 * The cache file for this bundle, Node version and set of Node flags. V8 itself refuses a cache
 * from another V8 or other flags, but it recognises the source only by its length, so the
 * bundle's size and modification time are part of the name. Runs with different flags (tests
 * start `node bin/lockyard.js` without the line above; NODE_OPTIONS may add some) keep separate
 * caches instead of overwriting each other's on every run.
 */
function cachePath(stat) {
  let flags = 0x811c9dc5;
  // NODE_OPTIONS too: V8 flags set there change what V8 accepts just as command-line ones do.
  for (const char of `${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`) {
    flags = Math.imul(flags ^ char.charCodeAt(0), 0x01000193) >>> 0;
  }
  const key = [
    process.version,
    process.arch,
    stat.size,
    Math.trunc(stat.mtimeMs),
    flags.toString(16),
  ];
  return `${bundle}.${key.join('-')}.v8cache`;
}

/** Best effort: a read-only installation simply runs without a cache. */
function saveCache(script, path) {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, path);
  } catch {
    // not writable: nothing to keep
    try {
      rmSync(temporary, { force: true });
    } catch {
      // nothing was written
    }
  }
}

function loadBundle() {
  let source;
  let stat;
  try {
    stat = statSync(bundle);
    // ASCII, as scripts/bundle.mjs checks: latin1 is a plain copy, utf8 would be decoded.
    source = readFileSync(bundle, 'latin1');
  } catch {
    process.stderr.write(`lockyard: error: ${bundle} is missing; run \`npm run build\`\n`);
    process.exit(2);
  }
  const cache = cachePath(stat);
  let cachedData;
  try {
    cachedData = readFileSync(cache);
  } catch {
    // first run of this bundle with these flags
  }
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    { filename: bundle, cachedData },
  );
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => saveCache(script, cache));
  }
  const module_ = { exports: {} };
  script
    .runInThisContext()
    .call(
      module_.exports,
      module_.exports,
      createRequire(bundle),
      module_,
      bundle,
      dirname(bundle),
    );
  return module_.exports;
}

const lockyard = loadBundle();
if (deferredCa) lockyard.deferExtraCaCertificates();
lockyard.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`lockyard: internal error (please report): ${error?.stack ?? error}\n`);
    process.exitCode = 2;
  },
);
