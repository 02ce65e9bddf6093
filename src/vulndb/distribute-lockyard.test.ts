// `db push` / `db pull` through Lockyard's own registry (`lockyard server` as a child process,
// plain HTTP on loopback): as the administrator with --username/--password-stdin, and anonymously
// on a server that has no administrator (auth.mode auto leaves it open, as Distribution is).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../server/testing/spawn-server.js';
import { repoRoot, runCli, useTempDir } from '../testing/index.js';
import { buildVulnDb } from './build.js';
import { openVulnDb } from './db/reader.js';
import { VULNDB_ARTIFACT_TYPE, VULNDB_LAYER_MEDIA_TYPE } from './distribute.js';

const ADMIN_PASSWORD = 'vulndb-admin-pass-1';
const dir = useTempDir('lockyard-vulndb-distribute-');
const source = join(dir, 'source.db');
const noAuthFile = join(dir, 'empty-auth.json');
let guarded: SpawnedServer;
let open: SpawnedServer;

beforeAll(async () => {
  await writeFile(noAuthFile, '{}');
  await buildVulnDb({
    inputs: [
      { kind: 'alpine-secdb', path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb') },
    ],
    output: source,
  });
  const listen = ['--listen', '127.0.0.1:0', '--insecure-http'];
  [guarded, open] = await Promise.all([
    spawnServer(['--data-dir', join(dir, 'guarded'), ...listen], {
      LOCKYARD_ADMIN_PASSWORD: ADMIN_PASSWORD,
    }),
    spawnServer(['--data-dir', join(dir, 'open'), ...listen], { LOCKYARD_ADMIN_PASSWORD: '' }),
  ]);
}, 120_000);
afterAll(async () => {
  await Promise.all([guarded.stop(), open.stop()]);
});

const hostOf = (server: SpawnedServer): string => new URL(server.url).host;
const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

function counts(path: string): { advisories: number; affected: number; builtAt: string } {
  const db = openVulnDb(path);
  try {
    const { advisories, affected, builtAt } = db.status();
    return { advisories, affected, builtAt };
  } finally {
    db.close();
  }
}

/** The registry's own view of a manifest, read by skopeo (the digest is of the bytes served). */
function inspect(
  ref: string,
  creds?: string,
): { digest: string; manifest: Record<string, unknown> } {
  const args = ['--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${ref}`];
  const env = { ...process.env, REGISTRY_AUTH_FILE: noAuthFile };
  const raw = execFileSync('skopeo', ['inspect', '--raw', ...args], { env });
  return {
    digest: `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    manifest: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
  };
}

const credentials = ['--username', 'admin', '--password-stdin'];

describe('db push / db pull through lockyard server', () => {
  it('round-trips as the administrator, by tag and by the pushed digest, byte for byte', async () => {
    const ref = `${hostOf(guarded)}/security/vulndb:latest`;
    const data = ['--data-dir', join(dir, 'cli')];
    const push = await runCli(
      ['db', 'push', ref, '--insecure', '--db', source, ...credentials, ...data],
      {
        input: `${ADMIN_PASSWORD}\n`,
      },
    );
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    const pushed = /@(?<digest>sha256:[0-9a-f]{64})\n$/.exec(push.stdout)?.groups?.['digest'];
    expect(pushed).toBeDefined();
    expect(`${push.stdout}${push.stderr}`).not.toContain(ADMIN_PASSWORD);

    // The registry serves exactly the manifest that was pushed, typed as a Lockyard database.
    const served = inspect(ref, `admin:${ADMIN_PASSWORD}`);
    expect(served.digest).toBe(pushed);
    expect(served.manifest['artifactType']).toBe(VULNDB_ARTIFACT_TYPE);
    expect((served.manifest['layers'] as { mediaType: string }[]).map((l) => l.mediaType)).toEqual([
      VULNDB_LAYER_MEDIA_TYPE,
    ]);

    for (const [name, pullRef] of [
      ['by-tag.db', ref],
      ['by-digest.db', `${hostOf(guarded)}/security/vulndb@${pushed ?? ''}`],
    ] as const) {
      const output = join(dir, 'mirror', name);
      const pull = await runCli(
        ['db', 'pull', pullRef, '--insecure', '-o', output, ...credentials, ...data],
        {
          input: `${ADMIN_PASSWORD}\n`,
        },
      );
      expect(pull.stderr).toBe('');
      expect(pull.code).toBe(0);
      // gzip in, gunzip out: the very same SQLite file.
      expect(await sha256(output)).toBe(await sha256(source));
      expect(counts(output)).toEqual(counts(source));
    }
  });

  /** `lockyard db pull` of the private project's database, without credentials. */
  const pullAnonymously = (output: string) =>
    runCli([
      'db',
      'pull',
      `${hostOf(guarded)}/security/vulndb:latest`,
      '--insecure',
      '-o',
      output,
      '--data-dir',
      join(dir, 'cli'),
    ]);

  it('refuses an anonymous pull of the private project, leaving no file behind', async () => {
    const output = join(dir, 'mirror', 'anonymous.db');
    const pull = await pullAnonymously(output);
    expect(pull.code).toBe(2);
    expect(pull.stderr.trim().split('\n')).toHaveLength(1);
    expect(pull.stderr).toMatch(
      /^lockyard: error: .*requires authentication .*--username and --password-stdin/,
    );
    await expect(readFile(output)).rejects.toThrow(/ENOENT/);
  });

  it('pulls anonymously once the project allows anonymous pull', async () => {
    const set = await runCli(
      [
        'registry',
        'project',
        'set',
        'security',
        '--anonymous-pull',
        '--server',
        guarded.url,
        ...credentials,
      ],
      { input: `${ADMIN_PASSWORD}\n` },
    );
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    const output = join(dir, 'mirror', 'anonymous-allowed.db');
    const pull = await pullAnonymously(output);
    expect(pull.stderr).toBe('');
    expect(pull.code).toBe(0);
    expect(await sha256(output)).toBe(await sha256(source));
    // Pushing still needs credentials.
    const push = await runCli([
      'db',
      'push',
      `${hostOf(guarded)}/security/vulndb:anon`,
      '--insecure',
      '--db',
      source,
      '--data-dir',
      join(dir, 'cli'),
    ]);
    expect(push.code).toBe(2);
    expect(push.stderr).toMatch(/requires authentication/);
  });

  it('refuses a wrong password without echoing it', async () => {
    const push = await runCli(
      [
        'db',
        'push',
        `${hostOf(guarded)}/security/vulndb:wrong`,
        '--insecure',
        '--db',
        source,
        ...credentials,
        '--data-dir',
        join(dir, 'cli'),
      ],
      { input: 'not-the-password\n' },
    );
    expect(push.code).toBe(2);
    expect(push.stderr).toMatch(/refused the credentials given \(401\); check them\n$/);
    expect(`${push.stdout}${push.stderr}`).not.toContain('not-the-password');
  });

  it('round-trips anonymously on a server without an administrator', async () => {
    const ref = `${hostOf(open)}/mirror/vulndb:2026-11-26`;
    const data = ['--data-dir', join(dir, 'cli')];
    const push = await runCli(['db', 'push', ref, '--insecure', '--db', source, ...data]);
    expect(push.stderr).toBe('');
    expect(push.code).toBe(0);
    const pushed = /@(?<digest>sha256:[0-9a-f]{64})\n$/.exec(push.stdout)?.groups?.['digest'];
    expect(inspect(ref).digest).toBe(pushed);
    const output = join(dir, 'mirror', 'open.db');
    const pull = await runCli([
      'db',
      'pull',
      `${hostOf(open)}/mirror/vulndb@${pushed ?? ''}`,
      '--insecure',
      '-o',
      output,
      ...data,
    ]);
    expect(pull.code).toBe(0);
    expect(pull.stdout).toMatch(/^Pulled .* into .* \(built .*, [\d,]+ advisories\)\n$/);
    expect(await sha256(output)).toBe(await sha256(source));
  });
});
