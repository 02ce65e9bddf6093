// Scan on push, continuous rescan and the pull gate, end to end: `lockyard server` as a child
// process on 127.0.0.1, images pushed with skopeo, a real database built from Alpine secdb and
// GitHub advisories, and the API, the registry and `lockyard audit` read as a user would.
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, useTempDir } from '../../testing/index.js';
import { tool } from '../testing/client-tools.js';
import { pushRandomImage } from '../testing/push-traffic.js';
import { spawnServer, type SpawnedServer } from '../testing/spawn-server.js';
import {
  alpineArchive,
  appImage,
  appIndex,
  eventually,
  installDb,
  vulnDbs,
} from './testing/scan-fixtures.js';

const dir = useTempDir('lockyard-scanning-');
const dataDir = join(dir, 'data');
const dbPath = join(dataDir, 'vulndb', 'lockyard.db');
const env = { LOCKYARD_SCANNING_DB_POLL_MS: '200' };
let server: SpawnedServer;
let host: string;
let archive: string;
let app: Awaited<ReturnType<typeof appImage>>;
let indexLayout: string;
let dbs: { before: string; after: string };

interface FindingView {
  id: string;
  severity: string;
  package: { name: string; version: string };
  fixedVersions: string[];
  firstSeen: string;
}
interface View {
  status: string;
  digest: string;
  scannedAt?: string;
  matchedAt?: string;
  packages?: number;
  summary?: Record<string, number>;
  findings?: FindingView[];
  changes?: { trigger: string; added: string[]; removed: string[]; at: string }[];
  manifests?: (View & { platform: string })[];
  error?: string;
  pull: { allowed: boolean; reason?: string };
}

type Reply<T> = { status: number; body: T };

async function apiCall(path: string, init: RequestInit = {}): Promise<Reply<unknown>> {
  const response = await fetch(`${server.url}/api/v1/${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** The API's JSON, typed as the test expects it to be (the assertions check it). */
const api = apiCall as <T>(path: string, init?: RequestInit) => Promise<Reply<T>>;

function scanOf(repository: string, reference: string): Promise<{ status: number; body: View }> {
  return api<View>(`repositories/${repository}/manifests/${reference}/scan`);
}

async function scanned(
  repository: string,
  reference: string,
  done: (view: View) => boolean = (v) => v.status === 'done',
): Promise<View> {
  return eventually(
    async () => {
      const { status, body } = await scanOf(repository, reference);
      return status === 200 && done(body) ? body : undefined;
    },
    60_000,
    `scan of ${repository}:${reference}`,
  );
}

async function setPolicy(project: string, policy: Record<string, unknown>): Promise<void> {
  const { status } = await api(`projects/${project}/scan-policy`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(policy),
  });
  expect(status).toBe(200);
}

/** A manifest GET as a client sends it (Accept lists what skopeo accepts). */
async function pullManifest(
  repository: string,
  reference: string,
): Promise<{
  status: number;
  body: { errors?: { code: string; message: string; detail: Record<string, string> }[] };
}> {
  const response = await fetch(`${server.url}/v2/${repository}/manifests/${reference}`, {
    headers: {
      Accept:
        'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json',
    },
  });
  const text = await response.text();
  return {
    status: response.status,
    body:
      response.status === 200
        ? {}
        : (JSON.parse(text) as {
            errors?: { code: string; message: string; detail: Record<string, string> }[];
          }),
  };
}

function labels(view: View): string[] {
  return (view.findings ?? []).map((f) => `${f.id} ${f.package.name}@${f.package.version}`).sort();
}

beforeAll(async () => {
  archive = await alpineArchive(dir);
  app = await appImage(dir, archive);
  indexLayout = await appIndex(dir, app.base);
  dbs = await vulnDbs(dir);
  await installDb(dbs.before, dbPath);
  server = await spawnServer(
    ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
    env,
  );
  host = new URL(server.url).host;
}, 180_000);

afterAll(async () => {
  await server.stop();
});

describe('scan on push', () => {
  it('scans a pushed image straight from registry storage, with the findings `lockyard scan` reports for the same image', async () => {
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${archive}`,
      `docker://${host}/lib/alpine:3.10`,
    ]);
    const view = await scanned('lib/alpine', '3.10');
    const cli = await runCli([
      'scan',
      '--data-dir',
      join(dir, 'cli'),
      '--db',
      dbs.before,
      '--scanners',
      'vuln',
      '-f',
      'json',
      archive,
    ]);
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as {
      vulnerabilities: { id: string; package: { name: string; version: string } }[];
      summary: { packages: number };
    };
    expect(view.packages).toBe(report.summary.packages);
    expect(view.packages).toBe(14);
    expect(labels(view)).toEqual(
      report.vulnerabilities.map((f) => `${f.id} ${f.package.name}@${f.package.version}`).sort(),
    );
    expect(view.summary?.['total']).toBe(view.findings?.length);
    expect(view.findings?.length).toBeGreaterThan(10);
    // Every finding appeared with the scan; the history says so.
    for (const finding of view.findings ?? []) expect(finding.firstSeen).toBe(view.scannedAt);
    expect(view.changes).toHaveLength(1);
    expect(view.changes?.[0]).toMatchObject({ trigger: 'scan', removed: [] });
    expect(view.changes?.[0]?.added).toEqual(labels(view));
  });

  it('serves the results in the report formats and the SBOM', async () => {
    await tool('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${app.layout}:v1`,
      `docker://${host}/lib/app:v1`,
    ]);
    const view = await scanned('lib/app', 'v1');
    expect(view.digest).toBe(app.image.manifest.digest);
    const lodash = (view.findings ?? [])
      .filter((f) => f.package.name === 'lodash')
      .map((f) => f.id);
    expect(lodash).toEqual(expect.arrayContaining(['CVE-2020-8203', 'CVE-2021-23337']));
    expect((view.findings ?? []).some((f) => f.package.name === 'minimist')).toBe(false);
    expect((view.findings ?? []).some((f) => f.package.name === 'musl')).toBe(true);

    const sarif = await api<{ runs: { results: { ruleId: string }[] }[] }>(
      `repositories/lib/app/manifests/${view.digest}/scan?format=sarif`,
    );
    expect(sarif.body.runs[0]?.results.map((r) => r.ruleId)).toEqual(
      expect.arrayContaining(['CVE-2021-23337']),
    );
    const json = await api<{ vulnerabilities: unknown[]; artifact: { name: string } }>(
      `repositories/lib/app/manifests/v1/scan?format=json`,
    );
    expect(json.body.vulnerabilities).toHaveLength(view.findings?.length ?? -1);
    expect(json.body.artifact.name).toBe(`lib/app@${view.digest}`);
    const cyclonedx = await api<{ vulnerabilities: { id: string }[] }>(
      `repositories/lib/app/manifests/v1/scan?format=cyclonedx`,
    );
    expect(cyclonedx.body.vulnerabilities.map((v) => v.id)).toEqual(
      expect.arrayContaining(['CVE-2021-23337']),
    );
    const sbom = await api<{ bomFormat: string; components: { name: string; version: string }[] }>(
      `repositories/lib/app/manifests/v1/sbom`,
    );
    expect(sbom.body.bomFormat).toBe('CycloneDX');
    expect(sbom.body.components.map((c) => `${c.name}@${c.version}`)).toEqual(
      expect.arrayContaining(['lodash@4.17.15', 'minimist@1.2.5', 'musl@1.1.22-r3']),
    );
    expect(
      (await api<{ spdxVersion: string }>(`repositories/lib/app/manifests/v1/sbom?format=spdx`))
        .body.spdxVersion,
    ).toMatch(/^SPDX-2/);
  });

  it('answers bad requests with one line naming what is wrong', async () => {
    const bad = await api<{ errors: { code: string; message: string }[] }>(
      'repositories/lib/app/manifests/v1/scan?format=pdf',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.message).toMatch(
      /^format: unknown scan format "pdf" \(allowed: .*sarif/,
    );
    const missing = await api<{ errors: { code: string; message: string }[] }>(
      `repositories/lib/app/manifests/sha256:${'0'.repeat(64)}/scan`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]?.message).toBe(
      `manifest sha256:${'0'.repeat(64)} is not in repository lib/app`,
    );
    expect((await api('repositories/lib/app/manifests/nope/scan')).status).toBe(404);
    const policy = await api<{ errors: { message: string }[] }>('projects/lib/scan-policy', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"blockSeverity":"SEVERE"}',
    });
    expect(policy.status).toBe(400);
    expect(policy.body.errors[0]?.message).toMatch(/^scan policy: blockSeverity: /);
    const unknownField = await api<{ errors: { message: string }[] }>('projects/lib/scan-policy', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"block":"HIGH"}',
    });
    expect(unknownField.body.errors[0]?.message).toBe('scan policy: block: unknown field');
  });
});

describe('pull gate', () => {
  it('blocks an image with a finding at or above the threshold, naming the finding, and lets it through when the threshold rises', async () => {
    await setPolicy('lib', { blockSeverity: 'HIGH' });
    const blocked = await pullManifest('lib/app', 'v1');
    expect(blocked.status).toBe(403);
    const error = blocked.body.errors?.[0];
    expect(error?.code).toBe('DENIED');
    expect(error?.detail).toMatchObject({
      repository: 'lib/app',
      digest: app.image.manifest.digest,
      policy: 'block-severity',
      threshold: 'HIGH',
      severity: 'HIGH',
      package: 'lodash',
      version: '4.17.15',
    });
    expect(['CVE-2020-8203', 'CVE-2021-23337']).toContain(error?.detail['finding']);
    expect(error?.message).toContain(
      `${error?.detail['finding']} (HIGH) in lodash 4.17.15 is at or above HIGH`,
    );
    // A real client gets the same refusal (the cached-manifest fast path defers to the gate).
    await expect(
      tool('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/lib/app:v1`]),
    ).rejects.toThrow(
      /denied: pull of lib\/app@sha256:[0-9a-f]{64} blocked by the policy of project lib/,
    );
    // Alpine has only unrated (UNKNOWN) findings: not at or above HIGH.
    expect((await pullManifest('lib/alpine', '3.10')).status).toBe(200);
    expect((await scanOf('lib/app', 'v1')).body.pull).toMatchObject({ allowed: false });

    await setPolicy('lib', { blockSeverity: 'CRITICAL' });
    expect((await pullManifest('lib/app', 'v1')).status).toBe(200);
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      `docker://${host}/lib/app:v1`,
      `oci:${join(dir, 'pulled')}:v1`,
    ]);
    // Other projects are not gated.
    await tool('skopeo', [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${host}/lib/app:v1`,
      `docker://${host}/other/app:v1`,
    ]);
    expect((await pullManifest('other/app', 'v1')).status).toBe(200);
  });

  it('blocks images whose scan failed when unscanned images may not be pulled', async () => {
    await setPolicy('strict', { blockUnscanned: true });
    // Random bytes that claim to be gzip layers: a real push of an image that cannot be read.
    const digest = await pushRandomImage(server.url, 'strict/broken', '1', [2048], false);
    const view = await scanned('strict/broken', '1', (v) => v.status === 'failed');
    expect(view.error).toMatch(/strict\/broken@sha256:[0-9a-f]{64}/);
    const refused = await pullManifest('strict/broken', digest);
    expect(refused.status).toBe(403);
    expect(refused.body.errors?.[0]?.message).toContain('its scan failed');
    expect(refused.body.errors?.[0]?.detail).toMatchObject({
      policy: 'block-unscanned',
      scan: 'failed',
      digest,
    });
  });
});

describe('continuous rescan', () => {
  it('re-matches stored SBOMs when the database file changes, without reading any image blob', async () => {
    const before = await scanned('lib/app', 'v1');
    const alpineBefore = await scanned('lib/alpine', '3.10');
    const statusBefore = (await api<{ blobReads: number; lastRescan: { at: string } }>('scanning'))
      .body;
    // Take every blob out of registry storage: a rescan that read an image would fail.
    const blobs = join(dataDir, 'registry', 'storage', 'blobs');
    renameSync(blobs, `${blobs}.aside`);
    try {
      await installDb(dbs.after, dbPath);
      const after = await scanned('lib/app', 'v1', (v) =>
        (v.findings ?? []).some((f) => f.id === 'CVE-2021-44906'),
      );
      const minimist = after.findings?.find((f) => f.id === 'CVE-2021-44906');
      expect(minimist).toMatchObject({
        severity: 'CRITICAL',
        package: { name: 'minimist', version: '1.2.5' },
        fixedVersions: ['1.2.6'],
      });
      expect(Date.parse(minimist?.firstSeen ?? '')).toBeGreaterThan(
        Date.parse(before.scannedAt ?? ''),
      );
      expect(after.scannedAt).toBe(before.scannedAt);
      expect(labels(after)).toEqual([...labels(before), 'CVE-2021-44906 minimist@1.2.5'].sort());
      expect(after.changes?.[0]).toMatchObject({
        trigger: 'rescan',
        added: ['CVE-2021-44906 minimist@1.2.5'],
        removed: [],
      });
      expect(after.changes?.map((c) => c.trigger)).toEqual(['rescan', 'scan']);
      const status = await eventually(async () => {
        const body = (
          await api<{
            blobReads: number;
            lastRescan: { at: string; checked: number; changed: number };
          }>('scanning')
        ).body;
        return body.lastRescan.at !== statusBefore.lastRescan.at ? body : undefined;
      });
      expect(status.blobReads).toBe(statusBefore.blobReads);
      // Two stored SBOMs (Alpine; the app image, in lib/ and other/ under one digest): only the app's changed.
      expect(status.lastRescan).toMatchObject({ checked: 2, changed: 1 });
      const alpineAfter = await scanned('lib/alpine', '3.10');
      expect(labels(alpineAfter)).toEqual(labels(alpineBefore));
      expect(alpineAfter.changes).toHaveLength(1);
      expect(alpineAfter.matchedAt).not.toBe(alpineBefore.matchedAt);
    } finally {
      renameSync(`${blobs}.aside`, blobs);
    }
    // The new finding is at the gate's CRITICAL threshold now.
    const blocked = await pullManifest('lib/app', 'v1');
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors?.[0]?.detail).toMatchObject({
      finding: 'CVE-2021-44906',
      severity: 'CRITICAL',
      package: 'minimist',
      version: '1.2.5',
      fixedVersion: '1.2.6',
    });
  });
});

describe('image indexes', () => {
  it('scans each image of a pushed index and gates the index by its worst image', async () => {
    await tool('skopeo', [
      'copy',
      '--all',
      '--dest-tls-verify=false',
      `oci:${indexLayout}:multi`,
      `docker://${host}/lib/multi:1`,
    ]);
    const view = await scanned(
      'lib/multi',
      '1',
      (v) => v.status === 'done' && (v.manifests ?? []).every((m) => m.status === 'done'),
    );
    expect(view.manifests?.map((m) => m.platform)).toEqual(['linux/amd64', 'linux/arm64/v8']);
    expect(view.manifests?.[0]?.summary?.['CRITICAL']).toBeGreaterThan(0);
    expect(view.manifests?.[1]?.summary?.['CRITICAL']).toBe(0);
    const blocked = await pullManifest('lib/multi', '1');
    expect(blocked.status).toBe(403);
    expect(blocked.body.errors?.[0]?.detail).toMatchObject({
      index: view.digest,
      platform: 'linux/amd64',
      finding: 'CVE-2021-44906',
    });
    const formats = await api<{ errors: { message: string }[] }>(
      `repositories/lib/multi/manifests/1/scan?format=sarif`,
    );
    expect(formats.status).toBe(409);
    expect(formats.body.errors[0]?.message).toContain('it is an index; ask for one of its images');
    expect((await api(`projects/lib/scan-policy`, { method: 'DELETE' })).status).toBe(204);
    expect((await pullManifest('lib/multi', '1')).status).toBe(200);
  });
});

describe('persistence', () => {
  it('resumes the persisted queue after a restart, and keeps policies and results', async () => {
    await setPolicy('lib', { blockSeverity: 'CRITICAL' });
    await server.stop();
    // As a crash mid-scan leaves it: the job row still "running", no result yet.
    const db = new Database(join(dataDir, 'scanning', 'scanning.db'));
    db.prepare('DELETE FROM scans WHERE digest = ?').run(app.image.manifest.digest);
    db.prepare(
      "INSERT INTO jobs (digest, repository, media_type, state, attempts, queued_at, started_at) VALUES (?, 'lib/app', ?, 'running', 1, ?, ?)",
    ).run(app.image.manifest.digest, app.image.manifest.mediaType, Date.now(), Date.now());
    db.close();
    server = await spawnServer(
      ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--insecure-http'],
      env,
    );
    host = new URL(server.url).host;
    const view = await scanned('lib/app', 'v1');
    expect((view.findings ?? []).some((f) => f.id === 'CVE-2021-44906')).toBe(true);
    expect((await pullManifest('lib/app', 'v1')).status).toBe(403);
    expect((await pullManifest('lib/alpine', '3.10')).status).toBe(200);
  });
});

describe('audit of registry traffic', () => {
  it('records pushes, pulls (refused ones with the reason) and policy changes in a chain that verifies', async () => {
    const list = await runCli([
      'audit',
      'list',
      '--data-dir',
      dataDir,
      '--json',
      '--limit',
      '1000',
    ]);
    expect(list.code).toBe(0);
    const records = (
      JSON.parse(list.stdout) as {
        records: {
          action: string;
          repository?: string;
          result: string;
          details: Record<string, string>;
          target?: string;
        }[];
      }
    ).records;
    expect(
      records.some(
        (r) =>
          r.action === 'push' &&
          r.repository === 'lib/app' &&
          r.details['tag'] === 'v1' &&
          r.target === app.image.manifest.digest,
      ),
    ).toBe(true);
    const denied = records.filter(
      (r) => r.action === 'pull' && r.result === 'denied' && r.repository === 'lib/app',
    );
    expect(denied.length).toBeGreaterThanOrEqual(2);
    expect(denied.some((r) => r.details['reason']?.includes('CVE-2021-44906'))).toBe(true);
    expect(records.some((r) => r.action === 'scan-policy.update' && r.target === 'strict')).toBe(
      true,
    );
    expect(records.some((r) => r.action === 'scan-policy.delete' && r.target === 'lib')).toBe(true);
    const verify = await runCli(['audit', 'verify', '--data-dir', dataDir]);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(
      /^audit log verified: \d+ records, chain intact, head #\d+ [0-9a-f]{64}\n$/,
    );
    expect(existsSync(join(dataDir, 'audit', 'audit.db'))).toBe(true);
    expect(readdirSync(join(dataDir, 'scanning'))).toContain('scanning.db');
  });
});
