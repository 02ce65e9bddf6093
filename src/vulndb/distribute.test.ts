import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushArtifact } from '../oci/index.js';
import { startDistribution, type RunningRegistry } from '../oci/testing/distribution.js';
import { repoRoot, runCli, useTempDir } from '../testing/index.js';
import { buildVulnDb } from './build.js';
import { openVulnDb } from './db/reader.js';
import { VULNDB_ARTIFACT_TYPE, VULNDB_LAYER_MEDIA_TYPE } from './distribute.js';

const dir = useTempDir();
let registry: RunningRegistry;
const source = join(dir, 'source.db');

beforeAll(async () => {
  registry = await startDistribution(join(dir, 'registry'));
  await buildVulnDb({
    inputs: [
      { kind: 'alpine-secdb', path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb') },
    ],
    output: source,
  });
}, 120_000);
afterAll(async () => {
  await registry.stop();
});

function counts(path: string): { advisories: number; affected: number; builtAt: string } {
  const db = openVulnDb(path);
  try {
    const { advisories, affected, builtAt } = db.status();
    return { advisories, affected, builtAt };
  } finally {
    db.close();
  }
}

describe('db push and db pull (air-gapped mirrors through any OCI registry)', () => {
  it('round-trips the database through the CNCF registry, as an artifact skopeo can read', async () => {
    const ref = `${registry.host}/security/vulndb:latest`;
    const push = await runCli([
      'db',
      'push',
      ref,
      '--insecure',
      '--db',
      source,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    expect(push.stdout).toMatch(/^Pushed .* to .*@sha256:[0-9a-f]{64}\n$/);

    const manifest = JSON.parse(
      execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], {
        encoding: 'utf8',
      }),
    ) as {
      artifactType: string;
      layers: { mediaType: string }[];
    };
    expect(manifest.artifactType).toBe(VULNDB_ARTIFACT_TYPE);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual([VULNDB_LAYER_MEDIA_TYPE]);

    const output = join(dir, 'mirror', 'lockyard.db');
    const pull = await runCli([
      'db',
      'pull',
      ref,
      '--insecure',
      '-o',
      output,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(pull.code).toBe(0);
    expect(counts(output)).toEqual(counts(source));
  });

  it('refuses an artifact that is not a Lockyard database, leaving the current one as it was', async () => {
    const ref = `${registry.host}/security/notadb:1`;
    const file = join(dir, 'readme.txt');
    await writeFile(file, 'hello');
    await pushArtifact(
      ref,
      {
        artifactType: 'application/vnd.example.readme',
        files: [{ path: file, mediaType: 'text/plain' }],
      },
      { insecureHosts: [registry.host] },
    );
    const output = join(dir, 'keep.db');
    await writeFile(output, await readFile(source));
    const before = await readFile(output);
    const pull = await runCli([
      'db',
      'pull',
      ref,
      '--insecure',
      '-o',
      output,
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(pull.code).toBe(2);
    expect(pull.stderr).toMatch(
      /not a Lockyard vulnerability database \(artifact type application\/vnd\.example\.readme\)/,
    );
    expect((await readFile(output)).equals(before)).toBe(true);
  });

  it('refuses a database of another schema, naming both', async () => {
    const ref = `${registry.host}/security/vulndb:future`;
    const file = join(dir, 'future.db.gz');
    execFileSync('sh', ['-c', `gzip -c ${source} > ${file}`]);
    await pushArtifact(
      ref,
      {
        artifactType: VULNDB_ARTIFACT_TYPE,
        files: [{ path: file, mediaType: VULNDB_LAYER_MEDIA_TYPE }],
        annotations: { 'dev.lockyard.vulndb.schema': '999' },
      },
      { insecureHosts: [registry.host] },
    );
    const pull = await runCli([
      'db',
      'pull',
      ref,
      '--insecure',
      '-o',
      join(dir, 'future.db'),
      '--data-dir',
      join(dir, 'data'),
    ]);
    expect(pull.code).toBe(2);
    expect(pull.stderr).toMatch(/database schema 999 but this Lockyard reads schema \d+/);
  });

  it('explains a registry that needs credentials', async () => {
    const guarded = await startDistribution(join(dir, 'guarded'), {
      htpasswd: { user: 'ops', password: 's3cret-pass' },
    });
    try {
      const push = await runCli([
        'db',
        'push',
        `${guarded.host}/security/vulndb:latest`,
        '--insecure',
        '--db',
        source,
        '--data-dir',
        join(dir, 'data'),
      ]);
      expect(push.code).toBe(2);
      expect(push.stderr).toMatch(/requires authentication .*--username and --password-stdin/);
      const ok = await runCli(
        [
          'db',
          'push',
          `${guarded.host}/security/vulndb:latest`,
          '--insecure',
          '--db',
          source,
          '--username',
          'ops',
          '--password-stdin',
          '--data-dir',
          join(dir, 'data'),
        ],
        { input: 's3cret-pass\n' },
      );
      expect(ok.code).toBe(0);
      expect(`${ok.stdout}${ok.stderr}`).not.toContain('s3cret-pass');
    } finally {
      await guarded.stop();
    }
  });
});
