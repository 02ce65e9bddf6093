import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../testing/index.js';
import { classifyManifest } from './registry-image.js';
import { alpineArchive, appImage, appIndex } from './testing/scan-fixtures.js';

const dir = useTempDir('lockyard-classify-');

function blob(layout: string, digest: string): Buffer {
  return readFileSync(join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length)));
}

describe('what the scanner scans', () => {
  it('scans image manifests (skopeo-written and ours), records indexes, skips artifacts', async () => {
    const app = await appImage(dir, await alpineArchive(dir));
    const alpineLayout = join(dir, 'alpine-oci');
    const alpineIndex = JSON.parse(readFileSync(join(alpineLayout, 'index.json'), 'utf8')) as {
      manifests: { digest: string; mediaType: string }[];
    };
    const alpine = alpineIndex.manifests[0]!;
    expect(classifyManifest(blob(alpineLayout, alpine.digest), alpine.mediaType, 'alpine')).toEqual(
      { kind: 'image' },
    );
    expect(
      classifyManifest(
        blob(app.layout, app.image.manifest.digest),
        app.image.manifest.mediaType,
        'app',
      ),
    ).toEqual({ kind: 'image' });

    const indexLayout = await appIndex(dir, app.base);
    const top = (
      JSON.parse(readFileSync(join(indexLayout, 'index.json'), 'utf8')) as {
        manifests: { digest: string; mediaType: string }[];
      }
    ).manifests[0]!;
    const index = classifyManifest(blob(indexLayout, top.digest), top.mediaType, 'multi');
    expect(index.kind).toBe('index');
    expect(index.kind === 'index' && index.children.map((c) => c.platform)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ]);

    // A cosign-style signature: image-manifest media type, but a JSON payload layer and an empty config.
    const signature = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json',
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: `sha256:${'4'.repeat(64)}`,
          size: 2,
        },
        layers: [
          {
            mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
            digest: `sha256:${'5'.repeat(64)}`,
            size: 200,
          },
        ],
        subject: app.image.manifest,
      }),
    );
    expect(
      classifyManifest(signature, 'application/vnd.oci.image.manifest.v1+json', 'sig'),
    ).toEqual({
      kind: 'artifact',
      reason: 'config media type application/vnd.oci.empty.v1+json is not an image config',
    });
    expect(() =>
      classifyManifest(
        Buffer.from('{"schemaVersion":2}'),
        'application/vnd.oci.image.manifest.v1+json',
        'lib/x@sha256:1',
      ),
    ).toThrow(/^lib\/x@sha256:1: manifest/);
  });
});
