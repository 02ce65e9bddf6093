// The audit log with identity on: `lockyard server` as a child process with a first admin,
// skopeo pushing with credentials (token auth), failed sign-ins, bearer-token pulls, the audit
// API and `lockyard audit` over it, tampering detected, and no secret anywhere on disk or in logs.
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../../testing/index.js';
import { tool } from '../testing/client-tools.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';
import { alpineArchive } from '../scanning/testing/scan-fixtures.js';

const dir = useTempDir('lockyard-audit-server-');
const dataDir = join(dir, 'data');
const password = `pw-${randomBytes(12).toString('hex')}`;
const wrongPassword = `wrong-${randomBytes(12).toString('hex')}`;
const tokens: string[] = [];
const userPassword = `user-${randomBytes(12).toString('hex')}`;
let server: SpawnedServer;
let host: string;
let archive: string;

const basic = (user: string, secret: string): string =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

interface AuditRecord {
  seq: number;
  actor: string;
  action: string;
  repository?: string;
  target?: string;
  result: string;
  address?: string;
  details: Record<string, string>;
}

async function auditApi(
  query: string,
  authorization = basic('admin', password),
): Promise<{ status: number; body: { records: AuditRecord[]; next?: number } }> {
  const response = await fetch(`${server.url}/api/v1/audit?${query}`, {
    headers: { authorization },
  });
  return {
    status: response.status,
    body: (await response.json()) as { records: AuditRecord[]; next?: number },
  };
}

async function token(scope: string): Promise<string> {
  const response = await fetch(
    `${server.url}/token?service=lockyard-registry&scope=${encodeURIComponent(scope)}`,
    { headers: { authorization: basic('admin', password) } },
  );
  expect(response.status).toBe(200);
  const value = ((await response.json()) as { token: string }).token;
  tokens.push(value);
  return value;
}

/** Every file under `root`, recursively. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

beforeAll(async () => {
  archive = await alpineArchive(dir);
  server = await spawnServer(
    ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
    { LOCKYARD_ADMIN_PASSWORD: password, LOCKYARD_SCANNING_ENABLED: 'false' },
  );
  host = new URL(server.url).host;
}, 120_000);

afterAll(async () => {
  await server.stop();
});

describe('audit log with identities', () => {
  it('records who pushed and pulled, and failed authentication, with the source address', async () => {
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      '--dest-creds',
      `admin:${password}`,
      `docker-archive:${archive}`,
      `docker://${host}/lib/alpine:3.10`,
    ]);
    await expect(
      tool('skopeo', [
        'inspect',
        '--tls-verify=false',
        '--creds',
        `admin:${wrongPassword}`,
        `docker://${host}/lib/alpine:3.10`,
      ]),
    ).rejects.toThrow();
    const bearer = await token('repository:lib/alpine:pull');
    // Many pulls: each is one queued record, written in batches off the request path.
    for (let i = 0; i < 50; i += 1) {
      const response = await fetch(`${server.url}/v2/lib/alpine/manifests/3.10`, {
        headers: {
          authorization: `Bearer ${bearer}`,
          accept: 'application/vnd.docker.distribution.manifest.v2+json',
        },
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const pushes = (await auditApi('action=push&repository=lib/alpine')).body.records;
    expect(pushes).toEqual([
      expect.objectContaining({
        actor: 'admin',
        action: 'push',
        result: 'success',
        address: '127.0.0.1',
        details: expect.objectContaining({ tag: '3.10' }) as unknown,
      }),
    ]);
    const pulls = (await auditApi('action=pull&actor=admin&limit=1000')).body.records;
    // Identical pulls within one flush interval share a record that counts them.
    const counted = pulls.reduce(
      (sum, r) => sum + (r.details['count'] === undefined ? 1 : Number(r.details['count'])),
      0,
    );
    expect(counted).toBeGreaterThanOrEqual(50);
    expect(pulls.length).toBeLessThan(50);
    expect(
      pulls.every((r) => r.repository === 'lib/alpine' && r.target === pushes[0]?.target),
    ).toBe(true);
    const failures = (await auditApi('limit=1000')).body.records.filter(
      (r) => r.result === 'failure',
    );
    expect(failures.length).toBeGreaterThan(0);
    expect(
      failures.some(
        (r) => r.actor === 'admin' && (r.action === 'login' || r.action === 'token.issue'),
      ),
    ).toBe(true);
  });

  it('answers the audit API only to a system administrator, with filters checked', async () => {
    const anonymous = await fetch(`${server.url}/api/v1/audit`);
    expect(anonymous.status).toBe(401);
    const bad = await auditApi('limit=5000');
    expect(bad.status).toBe(400);
    const page = await auditApi('limit=2');
    expect(page.body.records).toHaveLength(2);
    expect(page.body.next).toBe(page.body.records[1]?.seq);
    const older = await auditApi(`limit=2&before=${page.body.next ?? 0}`);
    expect(older.body.records[0]?.seq).toBeLessThan(page.body.next ?? 0);
  });

  it('lists and verifies through the CLI, from the server and from the data directory', async () => {
    const remote = await runCli(
      [
        'audit',
        'list',
        '--server',
        server.url,
        '--username',
        'admin',
        '--password-stdin',
        '--action',
        'push',
        '--json',
      ],
      { input: `${password}\n` },
    );
    expect(remote.code).toBe(0);
    expect(
      (JSON.parse(remote.stdout) as { records: AuditRecord[] }).records.map((r) => r.action),
    ).toEqual(['push']);
    const table = await runCli([
      'audit',
      'list',
      '--data-dir',
      dataDir,
      '--actor',
      'admin',
      '--action',
      'push',
    ]);
    expect(table.stdout).toMatch(
      /^SEQ +TIME +ACTOR +ACTION +RESULT +TARGET +ADDRESS\n\d+ +\S+Z +admin +push +success +lib\/alpine@sha256:[0-9a-f]{12}… +127\.0\.0\.1\n$/,
    );
    const denied = await runCli(
      ['audit', 'list', '--server', server.url, '--username', 'admin', '--password-stdin'],
      { input: `${wrongPassword}\n` },
    );
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/^lockyard: error: .*refused GET \/api\/v1\/audit/);
    expect(denied.stderr).not.toContain(wrongPassword);
    const verify = await runCli(
      ['audit', 'verify', '--server', server.url, '--username', 'admin', '--password-stdin'],
      { input: `${password}\n` },
    );
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^audit log verified: \d+ records, chain intact/);
    const bad = await runCli(['audit', 'list', '--data-dir', dataDir, '--limit', 'all']);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'lockyard: error: audit query: limit: expected a whole number\n',
    });
  });

  it('lets project admins manage their own project only, and audits who did it', async () => {
    const asAdmin = { 'Content-Type': 'application/json', authorization: basic('admin', password) };
    for (const user of ['alice', 'bob']) {
      const created = await fetch(`${server.url}/api/v1/users`, {
        method: 'POST',
        headers: asAdmin,
        body: JSON.stringify({ name: user, password: userPassword }),
      });
      expect(created.status).toBe(201);
    }
    for (const [user, role] of [
      ['alice', 'project-admin'],
      ['bob', 'developer'],
    ]) {
      const member = await fetch(`${server.url}/api/v1/projects/lib/members/${user}`, {
        method: 'PUT',
        headers: asAdmin,
        body: JSON.stringify({ role }),
      });
      expect(member.status).toBe(200);
    }
    const put = (user: string | undefined, project: string): Promise<Response> =>
      fetch(`${server.url}/api/v1/projects/${project}/scan-policy`, {
        method: 'PUT',
        headers: {
          'Content-Type': 'application/json',
          ...(user ? { authorization: basic(user, userPassword) } : {}),
        },
        body: JSON.stringify({ blockSeverity: 'CRITICAL' }),
      });
    expect((await put('alice', 'lib')).status).toBe(200);
    const otherProject = await put('alice', 'other');
    expect(otherProject.status).toBe(403);
    expect(
      ((await otherProject.json()) as { errors: { message: string }[] }).errors[0]?.message,
    ).toBe('alice may not change the settings of project other');
    expect((await put('bob', 'lib')).status).toBe(403);
    const anonymous = await put(undefined, 'lib');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await auditApi('limit=1', basic('alice', userPassword))).status).toBe(403);
    const changes = (await auditApi('action=scan-policy.update')).body.records;
    expect(changes).toEqual([
      expect.objectContaining({ actor: 'alice', target: 'lib', result: 'success' }),
    ]);
  });

  it('refuses the audit log to everyone but system admins: a system robot on every project, a member with a token', async () => {
    const asAdmin = { 'Content-Type': 'application/json', authorization: basic('admin', password) };
    const robot = await fetch(`${server.url}/api/v1/robots`, {
      method: 'POST',
      headers: asAdmin,
      body: JSON.stringify({ name: 'auditor', grants: [{ project: '*', actions: ['pull'] }] }),
    });
    expect(robot.status).toBe(201);
    const { name, secret } = (await robot.json()) as { name: string; secret: string };
    tokens.push(secret);
    expect((await auditApi('limit=1', basic(name, secret))).status).toBe(403);
    // Every signed-in caller may list (its part of) the catalog; that is no admin right.
    const issued = await fetch(
      `${server.url}/token?service=lockyard-registry&scope=${encodeURIComponent('registry:catalog:*')}`,
      { headers: { authorization: basic('alice', userPassword) } },
    );
    const bearer = ((await issued.json()) as { token: string }).token;
    tokens.push(bearer);
    expect((await auditApi('limit=1', `Bearer ${bearer}`)).status).toBe(403);
    expect((await auditApi('limit=1', basic('alice', userPassword))).status).toBe(403);
  });

  it('never writes a password or token: not in any file of the data directory, not in the logs', async () => {
    await server.stop();
    const secrets = [password, wrongPassword, userPassword, ...tokens];
    const everything = files(dataDir);
    expect(everything.some((path) => path.endsWith('audit.db'))).toBe(true);
    for (const path of everything) {
      const bytes = readFileSync(path).toString('latin1');
      for (const secret of secrets)
        expect(bytes.includes(secret), `${secret.slice(0, 6)}… found in ${path}`).toBe(false);
    }
    for (const secret of secrets) {
      expect(server.stdout()).not.toContain(secret);
      expect(server.stderr()).not.toContain(secret);
    }
  });

  it('detects an edited record and names it', async () => {
    const before = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(before.code).toBe(0);
    const db = new Database(join(dataDir, 'audit', 'audit.db'));
    const pushSeq = (
      db.prepare("SELECT seq FROM audit_log WHERE action = 'push'").get() as { seq: number }
    ).seq;
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor = 'somebody-else' WHERE seq = ?").run(pushSeq);
    db.close();
    const after = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(after.code).toBe(1);
    expect(after.stdout).toMatch(
      new RegExp(
        `^audit log FAILED verification after ${pushSeq - 1} good records: record ${pushSeq} \\(\\S+ push lib/alpine by somebody-else\\) does not match its hash: it was edited after it was written\\n$`,
      ),
    );
    server = await spawnServer(
      ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
      { LOCKYARD_SCANNING_ENABLED: 'false' },
    );
  });
});
