import { ImageError } from '../errors.js';
import { digestOf, isDigest, parseDigest } from '../digest.js';
import { MediaType } from '../media-types.js';
import { printable } from '../printable.js';
import { isValidTag, parseReference, type Reference } from '../reference.js';
import { BlobPusher } from '../sources/registry/blob-pusher.js';
import { bytesSource, fileSource, type BlobSource } from '../sources/registry/blob-source.js';
import { RegistryClient } from '../sources/registry/client.js';
import { putManifest } from '../sources/registry/manifest-push.js';
import { addToReferrersTag } from '../sources/registry/referrers.js';
import {
  checkArtifactInput,
  type ArtifactInput,
  type PlannedFile,
  type PushArtifactOptions,
  type SubjectDescriptor,
} from './artifact-input.js';
import { artifactManifest, emptySource, layerDescriptor } from './artifact-manifest.js';

/** Hashes every file (one streaming pass each) so digests are known before anything is sent. */
async function describeFiles(files: readonly PlannedFile[]): Promise<BlobSource[]> {
  const sources: BlobSource[] = [];
  for (const file of files) {
    const { path, bytes } = file.input;
    sources.push(
      path !== undefined
        ? await fileSource(path, file.label)
        : bytesSource(bytes ?? new Uint8Array(), file.label),
    );
  }
  return sources;
}

/**
 * The subject as a descriptor: given, or looked up in the artifact's own repository (referrers
 * are listed per repository) by digest, tag, or a full reference to that repository.
 */
async function resolveSubject(
  client: RegistryClient,
  subject: ArtifactInput['subject'],
): Promise<SubjectDescriptor | undefined> {
  if (subject === undefined || typeof subject !== 'string') return subject;
  let reference = subject.startsWith('@') ? subject.slice(1) : subject;
  if (subject.includes('/')) {
    const parsed = parseReference(subject);
    if (
      parsed.registry !== client.reference.registry ||
      parsed.repository !== client.reference.repository
    ) {
      throw new ImageError(
        'ARTIFACT_INVALID',
        `${client.what}: subject ${printable(subject)} is not in ${client.place}; an artifact and its subject share a repository`,
      );
    }
    reference = parsed.digest ?? parsed.tag ?? 'latest';
  }
  if (!isDigest(reference) && !isValidTag(reference)) {
    throw new ImageError(
      'ARTIFACT_INVALID',
      `${client.what}: subject "${printable(subject)}" is neither a digest nor a tag of ${client.place}`,
    );
  }
  const found = await client.manifest(reference);
  return { mediaType: found.mediaType, digest: found.digest, size: found.bytes.length };
}

/** Repositories to mount from, given as names or as references on the same registry (`host/name`). */
function mountSources(
  reference: Reference,
  given: PushArtifactOptions['mountFrom'],
  what: string,
): string[] {
  const list = typeof given === 'string' ? [given] : [...(given ?? [])];
  return list.map((from) => {
    if (from.startsWith(`${reference.registry}/`)) return from.slice(reference.registry.length + 1);
    const first = from.split('/')[0] ?? '';
    if (
      from.includes('/') &&
      (first.includes('.') || first.includes(':') || first === 'localhost')
    ) {
      throw new ImageError(
        'ARTIFACT_INVALID',
        `${what}: cannot mount blobs from ${printable(from)}: a mount works only within registry ${reference.registry}`,
      );
    }
    return from;
  });
}

function target(reference: Reference): string {
  return reference.tag ?? reference.digest ?? 'latest';
}

/**
 * Pushes an OCI artifact (image-spec v1.1 artifact guidance) and returns its manifest digest:
 * hash the files -> resolve the subject -> build the manifest -> push the blobs (skip, mount or
 * upload each) -> PUT the manifest by tag or digest -> keep the referrers tag current when the
 * registry has no referrers API. Nothing is tagged until every blob is in the registry.
 */
export async function pushArtifact(
  reference: string,
  artifact: ArtifactInput,
  options: PushArtifactOptions = {},
): Promise<string> {
  const parsed = parseReference(reference);
  const what = reference;
  const planned = checkArtifactInput(artifact, what);
  const mountFrom = mountSources(parsed, options.mountFrom, what);
  const client = new RegistryClient(parsed, options, what, { push: true, mountFrom });
  try {
    const sources = await describeFiles(planned);
    const subject = await resolveSubject(client, artifact.subject);
    const layers = planned.map((file, index) =>
      layerDescriptor(file, sources[index] as BlobSource),
    );
    const manifest = artifactManifest(artifact, layers, subject);
    if (
      parsed.digest !== undefined &&
      parsed.digest !== digestOf(manifest, parseDigest(parsed.digest).algorithm)
    ) {
      throw new ImageError(
        'ARTIFACT_INVALID',
        `${what}: the artifact's manifest would be ${digestOf(manifest)}, not the digest the reference names; nothing was pushed`,
      );
    }
    const pusher = new BlobPusher(client, {
      mountFrom,
      ...(options.chunkSize === undefined ? {} : { chunkSize: options.chunkSize }),
      ...(options.retries?.attempts === undefined ? {} : { attempts: options.retries.attempts }),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    // The 2-byte config goes first: it tells cheaply whether the registry takes single-request uploads.
    const blobs: { source: BlobSource; name: string | undefined }[] = [
      { source: emptySource(), name: undefined },
    ];
    planned.forEach((file, index) =>
      blobs.push({ source: sources[index] as BlobSource, name: file.title }),
    );
    const done = new Set<string>();
    for (const { source, name } of blobs) {
      if (done.has(source.digest)) continue;
      done.add(source.digest);
      const outcome = await pusher.push(source);
      options.onBlob?.({ digest: source.digest, size: source.size, outcome, name });
    }
    const pushed = await putManifest(client, target(parsed), manifest, MediaType.ociManifest);
    if (subject && pushed.subjectIndexed !== subject.digest) {
      await addToReferrersTag(client, subject.digest, {
        mediaType: MediaType.ociManifest,
        digest: pushed.digest,
        size: pushed.size,
        artifactType: artifact.artifactType,
        ...(artifact.annotations && Object.keys(artifact.annotations).length > 0
          ? { annotations: { ...artifact.annotations } }
          : {}),
      });
    }
    return pushed.digest;
  } finally {
    await client.close();
  }
}
