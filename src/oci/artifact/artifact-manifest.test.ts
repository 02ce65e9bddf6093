import { describe, expect, it } from 'vitest';
import { sha256 } from '../digest.js';
import { parseJsonDocument } from '../parse-json.js';
import { imageManifestSchema } from '../schemas.js';
import { bytesSource } from '../sources/registry/blob-source.js';
import { checkArtifactInput, type ArtifactInput } from './artifact-input.js';
import {
  artifactManifest,
  EMPTY_BLOB,
  EMPTY_DESCRIPTOR,
  layerDescriptor,
} from './artifact-manifest.js';

describe('artifact manifests', () => {
  it('the empty descriptor is the 2-byte {} blob, its data inlined', () => {
    expect(EMPTY_DESCRIPTOR.digest).toBe(sha256(EMPTY_BLOB));
    expect(EMPTY_DESCRIPTOR.size).toBe(EMPTY_BLOB.length);
    expect(Buffer.from(EMPTY_DESCRIPTOR.data, 'base64')).toEqual(EMPTY_BLOB);
  });

  it('is an OCI image manifest with artifactType, empty config, titled layers and a subject', () => {
    const input: ArtifactInput = {
      artifactType: 'application/vnd.example.sbom.v1',
      files: [
        {
          bytes: Buffer.from('{}'),
          name: 'sbom.json',
          mediaType: 'application/spdx+json',
          annotations: { 'org.example.format': 'spdx' },
        },
      ],
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    };
    const [file] = checkArtifactInput(input, 'test');
    const source = bytesSource(Buffer.from('{}'), 'sbom.json');
    const subject = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sha256('subject'),
      size: 7,
    };
    const bytes = artifactManifest(input, [layerDescriptor(file!, source)], subject);
    const manifest = parseJsonDocument(bytes, imageManifestSchema, 'test');
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.example.sbom.v1',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        digest: EMPTY_DESCRIPTOR.digest,
        size: 2,
      },
      layers: [
        {
          mediaType: 'application/spdx+json',
          digest: sha256('{}'),
          size: 2,
          annotations: {
            'org.example.format': 'spdx',
            'org.opencontainers.image.title': 'sbom.json',
          },
        },
      ],
      subject,
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    });
    // The same input gives the same bytes (and digest) every time.
    expect(artifactManifest(input, [layerDescriptor(file!, source)], subject)).toEqual(bytes);
  });

  it('takes the title from the file name, the path, or an explicit title annotation', () => {
    const planned = checkArtifactInput(
      {
        artifactType: 'application/vnd.example',
        files: [
          { path: '/data/out/trivy.db', mediaType: 'application/octet-stream' },
          { path: '/data/x.bin', name: 'renamed.bin', mediaType: 'application/octet-stream' },
          {
            bytes: Buffer.from('a'),
            mediaType: 'text/plain',
            annotations: { 'org.opencontainers.image.title': 'from-annotation.txt' },
          },
          { bytes: Buffer.from('b'), mediaType: 'text/plain' },
        ],
      },
      'test',
    );
    expect(planned.map((file) => file.title)).toEqual([
      'trivy.db',
      'renamed.bin',
      'from-annotation.txt',
      undefined,
    ]);
  });

  it('names unknown fields of the input', () => {
    expect(() =>
      checkArtifactInput(
        { artifactType: 'a/b', files: [{ pth: '/x', mediaType: 'a/b' } as never] },
        'test',
      ),
    ).toThrow(/^test: files\.0: Unrecognized key: "pth"/);
  });
});
