#!/usr/bin/env node
// The published entry point: the bundled CLI in dist/bundle (built by `npm ci` through `prepare`).
import { run } from '../dist/bundle/main.js';

process.exitCode = await run(process.argv.slice(2));
