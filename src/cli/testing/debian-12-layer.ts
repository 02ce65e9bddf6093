import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LayerInput } from '../../oci/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'commands', '__fixtures__');

/**
 * A layer holding a real Debian 12 machine's `/etc/os-release` and dpkg status file
 * (`src/cli/commands/__fixtures__`, origin in SOURCES.md there), for the CLI's scan tests.
 */
export async function debian12Layer(): Promise<LayerInput> {
  return {
    kind: 'entries',
    entries: [
      { name: 'etc/os-release', content: await readFile(join(fixtures, 'debian-12-os-release')) },
      { name: 'var/lib/dpkg/status', content: await readFile(join(fixtures, 'debian-12-status')) },
    ],
  };
}
