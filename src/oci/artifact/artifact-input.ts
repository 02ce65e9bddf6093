import { basename } from 'node:path';
import * as z from 'zod';
import { isDigest } from '../digest.js';
import { ImageError } from '../errors.js';
import { describeIssues } from '../parse-json.js';
import { printable } from '../printable.js';
import type { RegistryOptions } from '../sources/registry/options.js';
import type { BlobOutcome } from '../sources/registry/blob-pusher.js';

/** The annotation that names a layer's file (image-spec annotations.md); `pullArtifact` writes files under it. */
export const TITLE_ANNOTATION = 'org.opencontainers.image.title';

/** One file of an artifact: a path read from disk (streamed, never whole in memory) or bytes. */
export interface ArtifactFile {
  readonly path?: string;
  readonly bytes?: Uint8Array;
  readonly mediaType: string;
  /** The file name recorded as `org.opencontainers.image.title` (default: the path's base name). */
  readonly name?: string;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** A manifest the artifact refers to (`subject`), as a full descriptor. */
export interface SubjectDescriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
}

export interface ArtifactInput {
  /** The artifact's type (`artifactType` of the manifest), a media type such as `application/vnd.lockyard.db.v1`. */
  readonly artifactType: string;
  readonly files: readonly ArtifactFile[];
  /** Manifest annotations (`org.opencontainers.image.created`, …). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The manifest this artifact is about, in the same repository: a digest or tag to look up, or its descriptor. */
  readonly subject?: string | SubjectDescriptor;
}

export interface PushArtifactOptions extends RegistryOptions {
  /** Repositories of the same registry to mount blobs from (cross-repository mount) before uploading. */
  readonly mountFrom?: string | readonly string[];
  /** Blobs up to this many bytes go in one request, larger ones in PATCH chunks of it (default 8 MiB). */
  readonly chunkSize?: number;
  /** Told once per blob what was done with it. */
  readonly onBlob?: (event: {
    readonly digest: string;
    readonly size: number;
    readonly outcome: BlobOutcome;
    readonly name: string | undefined;
  }) => void;
}

// RFC 6838 §4.2 restricted names: what a media type (and so an artifactType) may look like.
const MEDIA_TYPE =
  /^(?<type>[A-Za-z0-9][\w!#$&^.+-]{0,126})\/(?<subtype>[A-Za-z0-9][\w!#$&^.+-]{0,126})$/;

export const mediaTypeSchema = z
  .string()
  .regex(MEDIA_TYPE, { error: 'not a media type (type/subtype, RFC 6838)' });
const annotationsSchema = z.record(z.string(), z.string());

const fileSchema = z
  .strictObject({
    path: z.string().min(1).optional(),
    bytes: z.instanceof(Uint8Array, { error: 'must be a Buffer or Uint8Array' }).optional(),
    mediaType: mediaTypeSchema,
    name: z.string().min(1).optional(),
    annotations: annotationsSchema.optional(),
  })
  .refine((file) => (file.path === undefined) !== (file.bytes === undefined), {
    error: 'give exactly one of path and bytes',
  });

const subjectSchema = z.union([
  z.string().min(1),
  z.strictObject({
    mediaType: mediaTypeSchema,
    digest: z.string().refine(isDigest, { error: 'not a valid digest' }),
    size: z.number().int().nonnegative(),
  }),
]);

const inputSchema = z.strictObject({
  artifactType: mediaTypeSchema,
  files: z.array(fileSchema),
  annotations: annotationsSchema.optional(),
  subject: subjectSchema.optional(),
});

/** A file as it will be pushed: its checked input and the title it is known by. */
export interface PlannedFile {
  readonly input: ArtifactFile;
  readonly title: string | undefined;
  readonly label: string;
}

/**
 * Checks what a caller asked to push (the CLI passes user input straight through), naming the
 * bad field: `files.1.mediaType: not a media type`. Two files may not share a title, since a pull
 * writes each under its title.
 */
export function checkArtifactInput(input: ArtifactInput, what: string): PlannedFile[] {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success)
    throw new ImageError('ARTIFACT_INVALID', `${what}: ${describeIssues(parsed.error)}`);
  const seen = new Map<string, number>();
  return input.files.map((file, index) => {
    const title =
      file.annotations?.[TITLE_ANNOTATION] ??
      file.name ??
      (file.path === undefined ? undefined : basename(file.path));
    if (title !== undefined) {
      const before = seen.get(title);
      if (before !== undefined)
        throw new ImageError(
          'ARTIFACT_INVALID',
          `${what}: files.${before} and files.${index} are both named "${printable(title, 120)}"`,
        );
      seen.set(title, index);
    }
    return { input: file, title, label: file.path ?? title ?? `files.${index}` };
  });
}
