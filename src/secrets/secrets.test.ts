import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { catalogFiles } from '../testing/index.js';
import { runCatalogerContract } from '../catalog/testing/cataloger-contract.js';
import { scanImageConfig } from './image-config.js';
import { scanText } from './scan-text.js';
import { secretAnalyzer } from './secret-analyzer.js';
import { skipForSecrets } from './skip.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function random(length: number, alphabet = ALNUM): string {
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
}
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const awsId = `AKIA${random(16, upper)}`;
const awsSecret = random(40, `${ALNUM}/+`);
const githubPat = `ghp_${random(36)}`;
const gitlabPat = `glpat-${random(20)}`;
const slack = `xoxb-${random(11, '0123456789')}-${random(12, '0123456789')}-${random(24)}`;
const jwt = `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ${random(40)}.${random(43)}`;
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const gcpJson = JSON.stringify(
  {
    type: 'service_account',
    project_id: 'p',
    private_key_id: random(40),
    private_key: pem,
    client_email: 'x@p.iam.gserviceaccount.com',
  },
  null,
  2,
);

describe('secret rules', () => {
  it.each([
    ['aws-access-key-id', `aws_access_key_id = ${awsId}\n`],
    ['aws-secret-access-key', `[default]\naws_secret_access_key = ${awsSecret}\n`],
    ['github-token', `export GITHUB_TOKEN=${githubPat}`],
    ['gitlab-token', `token: ${gitlabPat}`],
    ['slack-token', `SLACK=${slack}`],
    ['jwt', `Authorization: Bearer ${jwt}`],
    ['private-key', pem],
    ['gcp-service-account', gcpJson],
    ['generic-password', `db_password = "${random(16)}"`],
  ])('finds %s and masks it', (ruleId, text) => {
    const matches = scanText(text);
    expect(matches.map((m) => m.ruleId)).toContain(ruleId);
    for (const match of matches) {
      for (const secret of [awsId, awsSecret, githubPat, gitlabPat, slack, jwt])
        expect(match.excerpt).not.toContain(secret);
    }
  });

  it.each([
    ['the documented AWS example key', 'AKIAIOSFODNN7EXAMPLE'],
    ['a too-short AWS-looking id', `AKIA${random(15, upper)}`],
    ['a placeholder password', 'password = "${DB_PASSWORD}"'],
    ['a low-entropy password', 'password=aaaaaaaaaaaa'],
    ['a word as password', 'password: changeme'],
    [
      'a public key',
      '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
    ],
  ])('does not report %s', (_why, text) => {
    expect(scanText(text)).toEqual([]);
  });

  it('reports the line of the match', () => {
    const matches = scanText(`one\ntwo\nGITHUB_TOKEN=${githubPat}\n`);
    expect(matches[0]).toMatchObject({
      ruleId: 'github-token',
      line: 3,
      excerpt: `GITHUB_TOKEN=${'*'.repeat(40)}`,
    });
  });
});

describe('secret analyzer in the layer pass', () => {
  it('skips system data and binaries, reads application files', () => {
    expect(skipForSecrets('usr/share/doc/x/README')).toBe(true);
    expect(skipForSecrets('app/node_modules/x/key.pem')).toBe(true);
    expect(skipForSecrets('app/logo.png')).toBe(true);
    expect(skipForSecrets('app/config/settings.env')).toBe(false);
    expect(skipForSecrets('root/.aws/credentials')).toBe(false);
  });

  it('finds a secret deleted in a later layer, with the layer that added it', async () => {
    const { writeOciLayout } = await import('../oci/index.js');
    const { catalogImageDir, useTempDir } = await import('../testing/index.js');
    const dir = `${useTempDir()}/image`;
    await writeOciLayout(dir, {
      layers: [
        {
          kind: 'entries',
          entries: [
            { name: 'root/.aws/credentials', content: `[default]\naws_access_key_id = ${awsId}\n` },
          ],
        },
        {
          kind: 'entries',
          entries: [
            { name: 'root/.aws/.wh.credentials', content: '' },
            { name: 'app/run.sh', content: `TOKEN=${githubPat}\n`, mode: 0o755 },
          ],
        },
      ],
    });
    const catalog = await catalogImageDir(dir, [secretAnalyzer]);
    const found = catalog.findings.map((f) => [f.ruleId, f.path, f.layerIndex, f.visible]);
    expect(found).toEqual([
      ['aws-access-key-id', 'root/.aws/credentials', 0, false],
      ['github-token', 'app/run.sh', 1, true],
    ]);
    expect(JSON.stringify(catalog)).not.toContain(awsId);
    expect(JSON.stringify(catalog)).not.toContain(githubPat);
  });

  it('ignores binary files', async () => {
    const catalog = await catalogFiles(
      { 'app/blob.bin': Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(`ghp_${random(36)}`)]) },
      [secretAnalyzer],
    );
    expect(catalog.findings).toEqual([]);
  });
});

describe('secrets in the image config', () => {
  it('reports Env values and history commands, masked, with where they are', async () => {
    const { writeOciLayout } = await import('../oci/index.js');
    const { catalogImageDir, useTempDir } = await import('../testing/index.js');
    const dir = `${useTempDir()}/config-image`;
    await writeOciLayout(dir, {
      config: {
        config: {
          Env: [
            'PATH=/usr/local/bin:/usr/bin:/bin',
            `GITHUB_TOKEN=${githubPat}`,
            `AWS_ACCESS_KEY_ID=${awsId}`,
            'HOME=/root',
            'NOT_A_PAIR',
          ],
        },
      },
      layers: [
        {
          kind: 'entries',
          entries: [{ name: 'etc/hostname', content: 'x\n' }],
          history: { created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
        },
        {
          kind: 'entries',
          entries: [{ name: 'app/x', content: 'x' }],
          history: { created_by: `|1 NPM_TOKEN=${gitlabPat} /bin/sh -c npm ci` },
        },
      ],
    });
    const catalog = await catalogImageDir(dir, []);
    const found = scanImageConfig(catalog.image);
    expect(found.map((f) => [f.ruleId, f.path, f.layerIndex])).toEqual([
      ['github-token', 'config Env GITHUB_TOKEN', -1],
      ['aws-access-key-id', 'config Env AWS_ACCESS_KEY_ID', -1],
      ['gitlab-token', 'history step 2', 1],
    ]);
    expect(found[2]?.layerDiffId).toBe(catalog.image.layers[1]?.diffId);
    expect(found[0]?.excerpt).toBe(`GITHUB_TOKEN=${'*'.repeat(40)}`);
    const text = JSON.stringify(found);
    for (const secret of [githubPat, awsId, gitlabPat]) expect(text).not.toContain(secret);
  });
});

runCatalogerContract(secretAnalyzer, [
  { path: 'app/.env', content: Buffer.from(`GITLAB=${gitlabPat}\n`) },
]);
