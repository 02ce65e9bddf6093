import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeOciLayout, type WrittenImage } from '../../oci/index.js';

const run = promisify(execFile);

export interface ToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a real client (skopeo, podman) and fails with its stderr when it exits non-zero. */
export async function tool(
  command: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ToolResult> {
  try {
    const result = await run(command, [...args], {
      env: { ...process.env, ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { stdout: result.stdout, stderr: result.stderr };
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.stderr ?? failure.message}`);
  }
}

/** A real two-layer image in an OCI layout, written by our layout writer (gzip layers, real tars). */
export async function buildTestImage(
  dir: string,
  tag: string,
  marker: string,
): Promise<WrittenImage> {
  return writeOciLayout(
    dir,
    {
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'etc/os-release', content: 'ID=lockyard-test\nVERSION_ID=1\n' },
            { name: 'etc/hostname', content: 'registry-test\n' },
          ],
        },
        {
          kind: 'entries',
          entries: [{ name: `srv/${marker}.txt`, content: `${marker}\n`.repeat(1000) }],
        },
      ],
      config: { config: { Cmd: ['/bin/true'], Labels: { 'org.example.marker': marker } } },
    },
    tag,
  );
}

/**
 * Podman configured as ENVIRONMENT.md says works here (runc, cgroupfs, file events, nofile
 * limit), with its storage and the registries.conf that marks our plain-HTTP registry insecure
 * all inside `dir`, so the test touches nothing of the machine's own podman state.
 */
export function podmanEnv(dir: string, registryHost: string): Record<string, string> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  mkdirSync(join(dir, 'run'), { recursive: true });
  writeFileSync(
    join(dir, 'containers.conf'),
    '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
  );
  writeFileSync(
    join(dir, 'storage.conf'),
    `[storage]\ndriver = "overlay"\ngraphroot = "${join(dir, 'storage')}"\nrunroot = "${join(dir, 'run')}"\n`,
  );
  writeFileSync(
    join(dir, 'registries.conf'),
    `unqualified-search-registries = []\n[[registry]]\nlocation = "${registryHost}"\ninsecure = true\n`,
  );
  return {
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
  };
}
