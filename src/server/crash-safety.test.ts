// kill -9 of a real `lockyard server` child process in the middle of pushes, then a restart:
// no partial blob is visible, no manifest references a missing blob, and the server works on.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/index.js';
import { pushRandomImage } from './testing/push-traffic.js';
import { spawnServer } from './testing/spawn-server.js';

const dir = useTempDir('lockyard-crash-');
const data = join(dir, 'data');

function sha256File(path: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
}

/** Checks the on-disk state directly: every blob file is whole, every reference and link resolves. */
function checkInvariants(): { blobs: number; manifests: number } {
  const storage = join(data, 'registry', 'storage', 'blobs', 'sha256');
  const files = new Set<string>();
  for (const prefix of readdirSync(storage)) {
    for (const name of readdirSync(join(storage, prefix))) {
      expect(sha256File(join(storage, prefix, name)), `blob ${name} is partial or corrupt`).toBe(
        `sha256:${name}`,
      );
      files.add(`sha256:${name}`);
    }
  }
  const db = new Database(join(data, 'registry', 'registry.db'), { readonly: true });
  try {
    const references = db
      .prepare("SELECT repository, digest, child FROM manifest_references WHERE kind = 'blob'")
      .all() as { repository: string; digest: string; child: string }[];
    for (const ref of references)
      expect(
        files.has(ref.child),
        `manifest ${ref.digest} references missing blob ${ref.child}`,
      ).toBe(true);
    const links = db.prepare('SELECT repository, digest FROM repository_blobs').all() as {
      repository: string;
      digest: string;
    }[];
    for (const link of links)
      expect(
        files.has(link.digest),
        `repository ${link.repository} links missing blob ${link.digest}`,
      ).toBe(true);
    const manifests = (db.prepare('SELECT COUNT(*) AS n FROM manifests').get() as { n: number }).n;
    return { blobs: files.size, manifests };
  } finally {
    db.close();
  }
}

async function pushUntilKilled(
  base: string,
  round: number,
  stop: { killed: boolean },
): Promise<number> {
  let pushed = 0;
  const worker = async (id: number): Promise<void> => {
    for (let n = 0; !stop.killed; n += 1) {
      try {
        await pushRandomImage(
          base,
          `crash/r${round}w${id}`,
          `t${n}`,
          [256 * 1024, 1024 * 1024 + 7, 3 * 1024 * 1024],
          id % 2 === 0,
        );
        pushed += 1;
      } catch {
        return; // the server died under us: expected
      }
    }
  };
  await Promise.all([0, 1, 2, 3].map(worker));
  return pushed;
}

describe('crash safety', () => {
  it('survives kill -9 at different moments of concurrent pushes', async () => {
    const tags: { repository: string; tag: string }[] = [];
    let leftovers = 0;
    for (const [round, delay] of [250, 700, 1300].entries()) {
      const server = await spawnServer([
        '--data-dir',
        data,
        '--listen',
        '127.0.0.1:0',
        '--insecure-http',
      ]);
      const stop = { killed: false };
      const traffic = pushUntilKilled(server.url, round, stop);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await server.kill9();
      stop.killed = true;
      await traffic;
      const state = checkInvariants();
      expect(state.blobs).toBeGreaterThan(0);
      // Evidence the kill landed mid-transfer: an upload or a temp file the dead server left.
      leftovers +=
        readdirSync(join(data, 'registry', 'storage', 'uploads')).length +
        readdirSync(join(data, 'registry', 'storage', 'tmp')).length;
    }
    expect(leftovers).toBeGreaterThan(0);

    // After the last crash the server starts, serves every tagged image whole, and takes pushes.
    const server = await spawnServer([
      '--data-dir',
      data,
      '--listen',
      '127.0.0.1:0',
      '--insecure-http',
    ]);
    try {
      const catalog = (await (await fetch(`${server.url}/v2/_catalog`)).json()) as {
        repositories: string[];
      };
      for (const repository of catalog.repositories) {
        const list = (await (await fetch(`${server.url}/v2/${repository}/tags/list`)).json()) as {
          tags: string[];
        };
        for (const tag of list.tags) tags.push({ repository, tag });
      }
      expect(tags.length).toBeGreaterThan(0);
      for (const { repository, tag } of tags) {
        const manifest = (await (
          await fetch(`${server.url}/v2/${repository}/manifests/${tag}`)
        ).json()) as { config: { digest: string }; layers: { digest: string }[] };
        for (const blob of [manifest.config, ...manifest.layers]) {
          const response = await fetch(`${server.url}/v2/${repository}/blobs/${blob.digest}`);
          expect(response.status).toBe(200);
          expect(
            `sha256:${createHash('sha256')
              .update(Buffer.from(await response.arrayBuffer()))
              .digest('hex')}`,
          ).toBe(blob.digest);
        }
      }
      await pushRandomImage(server.url, 'crash/after', 'ok', [1000], true);
    } finally {
      await server.stop();
    }
    checkInvariants();
  }, 180_000);
});
