// The running server's sweep of idle upload sessions, over real HTTP: with a 1 s session
// lifetime (LOCKYARD_REGISTRY_UPLOAD_TTL_SECONDS) the sweep runs every second and must remove an
// abandoned session's row and partial file by itself, while a session that keeps sending stays.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../config.js';
import { startServer, type RunningServer } from '../server.js';
import { registryClient } from '../testing/conformance-data.js';
import { errorCodes } from '../testing/test-registry.js';
import { defaultSweepInterval } from './upload-sweep.js';

let dataDir: string;
let server: RunningServer;
let client: ReturnType<typeof registryClient>;
const name = 'sweep/test';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lockyard-sweep-'));
  const config = loadServerConfig({
    env: { LOCKYARD_REGISTRY_UPLOAD_TTL_SECONDS: '1' },
    flags: { listen: '127.0.0.1:0', insecureHttp: true, dataDir },
  });
  server = await startServer(config, dataDir, pino({ level: 'silent' }));
  client = registryClient(server.url);
});
afterAll(async () => {
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The session row as the server's database holds it (read by a second connection). */
function sessionRow(id: string): unknown {
  const db = new Database(join(dataDir, 'registry', 'registry.db'), { readonly: true });
  try {
    return db.prepare('SELECT id FROM uploads WHERE id = ?').get(id);
  } finally {
    db.close();
  }
}

const partialFile = (id: string): string => join(dataDir, 'registry', 'storage', 'uploads', id);

describe('background sweep of idle upload sessions', () => {
  it('defaults to hourly for the 24 h lifetime and scales down for short ones', () => {
    expect(defaultSweepInterval(24 * 60 * 60 * 1000)).toBe(60 * 60 * 1000);
    expect(defaultSweepInterval(1000)).toBe(1000);
    expect(defaultSweepInterval(60 * 60 * 1000)).toBe(150_000);
  });

  it('removes an abandoned session and its partial file without anyone touching it', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    expect(post.status).toBe(202);
    const id = post.headers.get('docker-upload-uuid')!;
    const location = post.headers.get('location')!;
    const patch = await client.call('PATCH', location, { body: Buffer.alloc(4096, 7) });
    expect(patch.status).toBe(202);
    expect(sessionRow(id)).toBeDefined();
    expect(existsSync(partialFile(id))).toBe(true);

    // Expired after 1 s, swept on the next 1 s tick: checked without a request on the session
    // (a request would remove it lazily and prove nothing about the sweep).
    const deadline = Date.now() + 10_000;
    while ((sessionRow(id) !== undefined || existsSync(partialFile(id))) && Date.now() < deadline)
      await sleep(200);
    expect(sessionRow(id)).toBeUndefined();
    expect(existsSync(partialFile(id))).toBe(false);

    const status = await client.call('GET', location);
    expect(status.status).toBe(404);
    expect(errorCodes(await status.text())).toEqual(['BLOB_UPLOAD_UNKNOWN']);
  });

  it('keeps a session that keeps sending chunks (idle time, not age, expires it)', async () => {
    const post = await client.call('POST', `/v2/${name}/blobs/uploads/`);
    const location = post.headers.get('location')!;
    const chunk = Buffer.alloc(100, 1);
    // 3 s of activity with a chunk every 400 ms: three lifetimes older than the session's TTL.
    for (let offset = 0; offset < 800; offset += 100) {
      const patch = await client.call('PATCH', location, {
        headers: { 'Content-Range': `${offset}-${offset + 99}` },
        body: chunk,
      });
      expect(patch.status).toBe(202);
      await sleep(400);
    }
    const status = await client.call('GET', location);
    expect(status.status).toBe(204);
    expect(status.headers.get('range')).toBe('0-799');
  });
});
