import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import {
  writeOciIndex,
  writeOciLayout,
  type ImageInput,
  type WrittenImage,
} from '../../../oci/index.js';
import { repoRoot, sharedFixture } from '../../../testing/index.js';
import { buildVulnDb } from '../../../vulndb/index.js';
import { tool } from '../../testing/client-tools.js';

/** The real Alpine 3.10.4 `docker save` archive of examples/, unpacked (skopeo reads plain tars only). */
export async function alpineArchive(dir: string): Promise<string> {
  const tar = join(dir, 'alpine-3.10.tar');
  await pipeline(
    createReadStream(join(repoRoot, 'examples', 'alpine-3.10.tar.gz')),
    createGunzip(),
    createWriteStream(tar),
  );
  return tar;
}

interface LayoutManifest {
  config: { digest: string };
  layers: { digest: string; mediaType: string }[];
}

/** The Alpine base layer as skopeo writes it into an OCI layout: bytes, media type and diff_id. */
async function alpineBaseLayer(
  dir: string,
  archive: string,
): Promise<ImageInput['layers'][number]> {
  const layout = join(dir, 'alpine-oci');
  await tool('skopeo', ['copy', `docker-archive:${archive}`, `oci:${layout}:base`]);
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const blob = (digest: string): Promise<Buffer> =>
    readFile(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
  const manifest = JSON.parse(
    (await blob(index.manifests[0]?.digest ?? '')).toString('utf8'),
  ) as LayoutManifest;
  const config = JSON.parse((await blob(manifest.config.digest)).toString('utf8')) as {
    rootfs: { diff_ids: string[] };
  };
  const layer = manifest.layers[0];
  if (!layer) throw new Error('alpine image has no layer');
  return {
    kind: 'blob',
    data: await blob(layer.digest),
    mediaType: layer.mediaType,
    diffId: config.rootfs.diff_ids[0] ?? '',
  };
}

/** npm packages with published advisories: lodash 4.17.15 (HIGH, GHSA-35jh-r3h4-6jhm) and minimist 1.2.5 (CRITICAL, GHSA-xvch-5gv4-984h). */
export const APP_LAYER: ImageInput['layers'][number] = {
  kind: 'entries',
  entries: [
    {
      name: 'app/package.json',
      content: JSON.stringify({
        name: 'app',
        version: '1.0.0',
        dependencies: { lodash: '4.17.15', minimist: '1.2.5' },
      }),
    },
    {
      name: 'app/node_modules/lodash/package.json',
      content: JSON.stringify({ name: 'lodash', version: '4.17.15', license: 'MIT' }),
    },
    {
      name: 'app/node_modules/minimist/package.json',
      content: JSON.stringify({ name: 'minimist', version: '1.2.5', license: 'MIT' }),
    },
  ],
  history: { created: '2024-01-01T00:00:00Z', created_by: 'COPY app /app' },
};

/** An application image: the real Alpine base layer plus a layer of npm packages. */
export async function appImage(
  dir: string,
  archive: string,
): Promise<{ layout: string; image: WrittenImage; base: ImageInput['layers'][number] }> {
  const base = await alpineBaseLayer(dir, archive);
  const layout = join(dir, 'app-oci');
  const image = await writeOciLayout(
    layout,
    { layers: [base, APP_LAYER], config: { config: { Cmd: ['node', '/app'] } } },
    'v1',
  );
  return { layout, image, base };
}

/** A two-platform index: the app image for amd64, the bare Alpine layer for arm64 (labelled so; never run). */
export async function appIndex(dir: string, base: ImageInput['layers'][number]): Promise<string> {
  const layout = join(dir, 'index-oci');
  await writeOciIndex(
    layout,
    [
      { image: { layers: [base, APP_LAYER] }, platform: { os: 'linux', architecture: 'amd64' } },
      {
        image: { layers: [base] },
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    ],
    'multi',
  );
  return layout;
}

/**
 * Two builds of a real database: "before" lacks the minimist advisory (GHSA-xvch-5gv4-984h,
 * CVE-2021-44906), "after" has it, as when the advisory is published between two `db update`s.
 */
export async function vulnDbs(dir: string): Promise<{ before: string; after: string }> {
  const npmBefore = join(dir, 'ghsa-npm-before');
  await cp(sharedFixture('vulndb', 'ghsa', 'npm'), npmBefore, { recursive: true });
  await rm(join(npmBefore, 'GHSA-xvch-5gv4-984h.json'));
  const alpine = {
    kind: 'alpine-secdb',
    path: join(repoRoot, 'examples', 'advisories', 'alpine-secdb'),
  };
  const before = join(dir, 'before.db');
  const after = join(dir, 'after.db');
  await buildVulnDb({ inputs: [alpine, { kind: 'osv', path: npmBefore }], output: before });
  await buildVulnDb({
    inputs: [alpine, { kind: 'osv', path: sharedFixture('vulndb', 'ghsa', 'npm') }],
    output: after,
  });
  return { before, after };
}

/** Puts a database file in place the way `db build` does: a copy beside it, then one rename. */
export async function installDb(source: string, target: string): Promise<void> {
  await mkdir(join(target, '..'), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, await readFile(source));
  await rename(temp, target);
}

/** Polls `check` until it returns a value (not undefined) or `ms` pass. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
