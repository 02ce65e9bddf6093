import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeOciLayout } from '../../oci/index.js';
import { repoRoot, runCli, useTempDir } from '../../testing/index.js';
import { buildVulnDb } from '../../vulndb/index.js';

// Secrets in an image's config (Env) and history, as well as in a file: the default scan
// (--scanners vuln,secret) reports all three; with misconfig added, each is reported once.
const dir = useTempDir();
const image = join(dir, 'leaky');
const db = join(dir, 'vuln.db');
const common = ['--db', db, '--data-dir', join(dir, 'data'), '--quiet', '-f', 'json'];
const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const random = (n: number): string =>
  [...randomBytes(n)].map((b) => alnum[b % alnum.length]).join('');
const envToken = `ghp_${random(36)}`;
const argToken = `glpat-${random(20)}`;
const fileToken = `ghp_${random(36)}`;

interface Report {
  secrets: { ruleId: string; path: string; excerpt: string; layerIndex: number }[];
  misconfigurations: { ruleId: string; message: string }[];
  gate: { failures: string[] };
}

beforeAll(async () => {
  await buildVulnDb({
    inputs: [
      { kind: 'alpine-secdb', path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb') },
    ],
    output: db,
  });
  await writeOciLayout(image, {
    config: {
      config: {
        User: 'app',
        Env: ['PATH=/usr/bin:/bin', `GITHUB_TOKEN=${envToken}`, 'SESSION_TOKEN=hunter2'],
      },
    },
    layers: [
      {
        kind: 'entries',
        entries: [{ name: 'app/run.sh', content: `#!/bin/sh\nTOKEN=${fileToken}\n`, mode: 0o755 }],
        history: { created_by: `|1 NPM_TOKEN=${argToken} /bin/sh -c npm ci # buildkit` },
      },
    ],
  });
}, 120_000);

describe('lockyard scan: secrets in the image config', () => {
  it('the default scan reports Env and history secrets, masked, with where they are', async () => {
    const result = await runCli(['scan', image, ...common, '--fail-on', 'HIGH']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.secrets.map((s) => [s.ruleId, s.path, s.layerIndex])).toEqual([
      ['github-token', 'app/run.sh', 0],
      ['github-token', 'config Env GITHUB_TOKEN', -1],
      ['gitlab-token', 'history step 1', 0],
    ]);
    expect(report.secrets[1]?.excerpt).toBe(`GITHUB_TOKEN=${'*'.repeat(40)}`);
    expect(report.gate.failures).toContain(
      'secret github-token in config Env GITHUB_TOKEN (CRITICAL)',
    );
    for (const output of [result.stdout, result.stderr]) {
      for (const secret of [envToken, argToken, fileToken]) expect(output).not.toContain(secret);
    }
    expect(report.misconfigurations).toEqual([]);
  });

  it('with misconfig too, a secret is reported once: rule matches by the secret scanner, bare names by the image check', async () => {
    const result = await runCli(['scan', image, ...common, '--scanners', 'vuln,secret,misconfig']);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.secrets.map((s) => s.path)).toEqual([
      'app/run.sh',
      'config Env GITHUB_TOKEN',
      'history step 1',
    ]);
    const configChecks = report.misconfigurations
      .filter((m) => m.ruleId === 'LY-IMG-002' || m.ruleId === 'LY-IMG-003')
      .map((m) => `${m.ruleId} ${m.message}`);
    expect(configChecks).toEqual([`LY-IMG-002 ENV SESSION_TOKEN=${'*'.repeat(7)}`]);
    // The report's copy of the image config is masked too, including the name-only secret.
    for (const secret of [envToken, argToken, 'hunter2'])
      expect(result.stdout).not.toContain(secret);
  });

  it('without the secret scanner, the image checks still report the config secrets', async () => {
    const result = await runCli(['scan', image, ...common, '--scanners', 'misconfig']);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.secrets).toEqual([]);
    const ids = report.misconfigurations.map((m) => m.ruleId);
    expect(ids.filter((id) => id === 'LY-IMG-002')).toHaveLength(2);
    expect(ids).toContain('LY-IMG-003');
  });

  it('the table and SARIF say "image configuration" where a secret has no layer', async () => {
    const table = await runCli([
      'scan',
      image,
      ...common.filter((a) => a !== 'json' && a !== '-f'),
    ]);
    const lines = table.stdout.split('\n');
    const header = lines.find((line) => line.startsWith('SEVERITY') && line.includes('LAYER'));
    const row = lines.find((line) => line.includes('config Env GITHUB_TOKEN'));
    // The LAYER column of an aligned plain-text table: the cell starts where its header does.
    const at = header?.indexOf('LAYER') ?? -1;
    expect(row?.slice(at).split(/\s+/)[0]).toBe('-');
    const sarif = await runCli(['scan', image, ...common.slice(0, -2), '-f', 'sarif']);
    const results = (
      JSON.parse(sarif.stdout) as { runs: { results: { message: { text: string } }[] }[] }
    ).runs[0]?.results.map((r) => r.message.text);
    // The Env secret has no layer; the history step's and the file's belong to layer 1.
    expect(results?.filter((text) => text.endsWith('(image configuration)'))).toHaveLength(1);
    expect(results?.filter((text) => text.endsWith('(layer 1)'))).toHaveLength(2);
  });

  it('lockyard sbom -f json prints the image config with its secrets masked', async () => {
    const result = await runCli(['sbom', image, '-f', 'json', '--data-dir', join(dir, 'data')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('GITHUB_TOKEN=');
    for (const secret of [envToken, argToken, 'hunter2'])
      expect(result.stdout).not.toContain(secret);
  });
});
