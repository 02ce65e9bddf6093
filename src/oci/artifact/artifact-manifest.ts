import { MediaType } from '../media-types.js';
import type { BlobSource } from '../sources/registry/blob-source.js';
import { bytesSource } from '../sources/registry/blob-source.js';
import {
  TITLE_ANNOTATION,
  type ArtifactInput,
  type PlannedFile,
  type SubjectDescriptor,
} from './artifact-input.js';

/** The image-spec's empty descriptor: the 2-byte `{}` blob, data inlined, for an artifact's config. */
export const EMPTY_BLOB = Buffer.from('{}');
export const EMPTY_DESCRIPTOR = {
  mediaType: MediaType.ociEmpty,
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
  data: 'e30=',
} as const;

export interface LayerDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function emptySource(): BlobSource {
  return bytesSource(EMPTY_BLOB, 'empty config');
}

/** A file's layer descriptor: its own annotations plus the title a pull names it by. */
export function layerDescriptor(file: PlannedFile, source: BlobSource): LayerDescriptor {
  const annotations = {
    ...file.input.annotations,
    ...(file.title === undefined ? {} : { [TITLE_ANNOTATION]: file.title }),
  };
  return {
    mediaType: file.input.mediaType,
    digest: source.digest,
    size: source.size,
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/**
 * An artifact manifest as the image-spec v1.1 guidance has it: `artifactType` set, the empty
 * descriptor as config, the files as layers (the empty descriptor when there are none, since
 * registries may refuse an empty `layers`), an optional `subject`. Key order is fixed, so the
 * same input always gives the same bytes and the same digest.
 */
export function artifactManifest(
  input: ArtifactInput,
  layers: readonly LayerDescriptor[],
  subject: SubjectDescriptor | undefined,
): Buffer {
  const annotations =
    input.annotations && Object.keys(input.annotations).length > 0 ? input.annotations : undefined;
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: input.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: layers.length > 0 ? layers : [EMPTY_DESCRIPTOR],
    ...(subject
      ? { subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size } }
      : {}),
    ...(annotations ? { annotations } : {}),
  };
  return Buffer.from(JSON.stringify(manifest));
}
