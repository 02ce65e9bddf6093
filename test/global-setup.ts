import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ and the CLI bundle once per test run, so CLI tests run the real `bin/lockyard.js`
 * a user would run.
 * Type errors do not stop the build (tsc still emits); `npm run typecheck` and lint catch them.
 */
export function setup(): void {
  if (process.env['LOCKYARD_SKIP_BUILD'] === '1') return;
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  try {
    execFileSync(
      process.execPath,
      [
        join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(root, 'tsconfig.build.json'),
      ],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  } catch {
    process.stderr.write('global-setup: tsc reported errors; dist/ was emitted anyway\n');
  }
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
