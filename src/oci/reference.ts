import { ImageError } from './errors.js';
import { parseDigest } from './digest.js';

/** A parsed registry reference: `host[:port]/repo[:tag][@sha256:…]`. */
export interface Reference {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

// The grammar of the distribution reference package (docker/distribution reference/regexp.go).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;

export const DOCKER_HUB = 'registry-1.docker.io';

export function isValidRepositoryName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name.split('/').every((part) => PATH_COMPONENT.test(part))
  );
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Parses a reference the way the docker and podman clients do (Docker Hub when no host given). */
export function parseReference(input: string): Reference {
  const fail = (why: string): never => {
    throw new ImageError('REFERENCE_INVALID', `invalid image reference "${input}": ${why}`);
  };
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    try {
      parseDigest(digest);
    } catch {
      fail(`bad digest "${digest}"`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!isValidTag(tag)) fail(`bad tag "${tag}"`);
  }
  let registry = DOCKER_HUB;
  let repository = rest;
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  if (
    first &&
    (first.includes('.') ||
      first.includes(':') ||
      first === 'localhost' ||
      first !== first.toLowerCase())
  ) {
    if (!DOMAIN.test(first)) fail(`bad registry host "${first}"`);
    registry = first === 'docker.io' || first === 'index.docker.io' ? DOCKER_HUB : first;
    repository = rest.slice(firstSlash + 1);
  }
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (!isValidRepositoryName(repository)) fail(`bad repository name "${repository}"`);
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository, tag, digest };
}

export function formatReference(ref: Reference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
