import { describe, expect, it } from 'vitest';
import { ImageError } from './errors.js';
import { formatReference, parseReference } from './reference.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;

// Expected values follow the docker CLI (distribution/reference ParseNormalizedNamed):
// Docker Hub is the default registry, with `library/` for official images.
describe('parseReference', () => {
  it.each([
    ['alpine', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.19', 'registry-1.docker.io', 'library/alpine', '3.19', undefined],
    ['library/alpine', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    ['docker.io/alpine', 'registry-1.docker.io', 'library/alpine', 'latest', undefined],
    ['index.docker.io/team/app:1', 'registry-1.docker.io', 'team/app', '1', undefined],
    ['bitnami/redis:7.2', 'registry-1.docker.io', 'bitnami/redis', '7.2', undefined],
    ['localhost/app', 'localhost', 'app', 'latest', undefined],
    ['localhost:5000/team/app:v1', 'localhost:5000', 'team/app', 'v1', undefined],
    ['127.0.0.1:5000/a/b/c:v1', '127.0.0.1:5000', 'a/b/c', 'v1', undefined],
    ['[::1]:5000/app', '[::1]:5000', 'app', 'latest', undefined],
    [`ghcr.io/owner/repo@${DIGEST}`, 'ghcr.io', 'owner/repo', undefined, DIGEST],
    [`quay.io/org/app:v2@${DIGEST}`, 'quay.io', 'org/app', 'v2', DIGEST],
    [
      'registry.example.com/a__b/c-d/e.f:tag_1.0-rc',
      'registry.example.com',
      'a__b/c-d/e.f',
      'tag_1.0-rc',
      undefined,
    ],
  ])('%s', (input, registry, repository, tag, digest) => {
    expect(parseReference(input)).toEqual({ registry, repository, tag, digest });
  });

  it.each([
    ['', 'bad repository name'],
    ['Alpine', 'bad repository name'],
    ['alpine:', 'bad tag'],
    ['alpine:bad/tag', 'bad registry host'],
    ['alpine@sha256:1234', 'bad digest'],
    ['alpine:-x', 'bad tag'],
    ['registry.example.com/UPPER', 'bad repository name'],
    ['a//b', 'bad repository name'],
  ])('refuses %j', (input, why) => {
    expect(() => parseReference(input)).toThrow(ImageError);
    expect(() => parseReference(input)).toThrow(why);
  });

  it('formats back to the canonical form', () => {
    expect(formatReference(parseReference('alpine'))).toBe(
      'registry-1.docker.io/library/alpine:latest',
    );
    expect(formatReference(parseReference(`localhost:5000/x:1@${DIGEST}`))).toBe(
      `localhost:5000/x:1@${DIGEST}`,
    );
  });
});
