#!/usr/bin/env node
// The published entry point: the compiled CLI lives in dist/ (built by `npm ci` through `prepare`).
import { run } from '../dist/cli/main.js';

process.exitCode = await run(process.argv.slice(2));
