import { randomBytes } from 'node:crypto';
import { digestOf } from './test-registry.js';

export interface Blob {
  readonly data: Buffer;
  readonly digest: string;
}

function blob(data: Buffer): Blob {
  return { data, digest: digestOf(data) };
}

/**
 * The data the OCI conformance suite pushes (conformance/setup.go): a config, random layers, a
 * manifest over them, an empty-layer manifest, and artifacts that name the manifest as subject.
 */
export function conformanceData() {
  const config = blob(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
  );
  const layerA = blob(randomBytes(4096));
  const layerB = blob(randomBytes(8192 + 13));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: config.digest,
        size: config.data.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: layerA.digest,
          size: layerA.data.length,
        },
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: layerB.digest,
          size: layerB.data.length,
        },
      ],
    }),
  );
  const emptyConfig = blob(Buffer.from('{}'));
  const emptyLayerManifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: emptyConfig.digest,
        size: emptyConfig.data.length,
      },
      layers: [],
    }),
  );
  const artifact = (artifactType: string, note: string): Buffer =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType,
        config: {
          mediaType: 'application/vnd.oci.empty.v1+json',
          digest: emptyConfig.digest,
          size: emptyConfig.data.length,
        },
        layers: [
          {
            mediaType: 'application/vnd.oci.empty.v1+json',
            digest: emptyConfig.digest,
            size: emptyConfig.data.length,
          },
        ],
        subject: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: digestOf(manifest),
          size: manifest.length,
        },
        annotations: { 'org.opencontainers.image.description': note },
      }),
    );
  const referrerA = artifact('application/vnd.example.signature', 'signature');
  const referrerB = artifact('application/vnd.example.sbom', 'sbom');
  return {
    config,
    layerA,
    layerB,
    manifest,
    manifestDigest: digestOf(manifest),
    emptyConfig,
    emptyLayerManifest,
    referrerA,
    referrerB,
  };
}

/** A small client for the distribution API over fetch, with relative Locations resolved. */
export function registryClient(base: string) {
  const call = (
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  ): Promise<Response> =>
    fetch(new URL(path, base), {
      method,
      ...(init.headers ? { headers: init.headers } : {}),
      ...(init.body === undefined ? {} : { body: init.body }),
    });
  return {
    call,
    async pushBlob(name: string, data: Buffer): Promise<string> {
      const response = await call('POST', `/v2/${name}/blobs/uploads/?digest=${digestOf(data)}`, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: data,
      });
      if (response.status !== 201)
        throw new Error(`blob push failed: ${response.status} ${await response.text()}`);
      return digestOf(data);
    },
    async pushManifest(
      name: string,
      reference: string,
      body: Buffer,
      mediaType = 'application/vnd.oci.image.manifest.v1+json',
    ): Promise<Response> {
      return call('PUT', `/v2/${name}/manifests/${reference}`, {
        headers: { 'Content-Type': mediaType },
        body,
      });
    },
  };
}
