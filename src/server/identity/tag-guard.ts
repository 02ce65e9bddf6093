import type { RegistryMetadata } from '../../store/index.js';
import { RegistryError } from '../registry/index.js';
import type { CompiledTagRule } from './directory.js';
import { projectOf } from './names.js';

/** The immutable-tag rules of a project (from memory: the registry asks on every tag write). */
export type TagRules = (project: string) => readonly CompiledTagRule[];

function matching(rules: TagRules, repository: string, tag: string): CompiledTagRule | undefined {
  return rules(projectOf(repository)).find((rule) => rule.regex.test(tag));
}

// DENIED (403) is the distribution spec's code for "the requested access to the resource is
// denied", which is what this is.
function immutable(
  repository: string,
  tag: string,
  rule: CompiledTagRule,
  what: string,
): RegistryError {
  return new RegistryError(
    'DENIED',
    `tag ${tag} of repository ${repository} is immutable (rule "${rule.pattern}"): it cannot be ${what}`,
    {
      detail: { repository, tag, rule: rule.pattern },
    },
  );
}

/**
 * The registry metadata with immutable tags enforced where tags change: moving a tag that
 * matches a rule to another digest, deleting such a tag, or deleting a manifest that such a tag
 * points at is refused. Pushing the same digest again under the tag is allowed (a retried push
 * changes nothing). Every other method is the inner store's.
 */
export function withImmutableTags(inner: RegistryMetadata, rules: TagRules): RegistryMetadata {
  return {
    listRepositories: (limit, after) => inner.listRepositories(limit, after),
    repositoryExists: (repository) => inner.repositoryExists(repository),
    linkBlob: (repository, digest) => inner.linkBlob(repository, digest),
    hasBlob: (repository, digest) => inner.hasBlob(repository, digest),
    unlinkBlob: (repository, digest) => inner.unlinkBlob(repository, digest),
    putManifest: async (manifest, references, tag, options) => {
      const rule = tag === undefined ? undefined : matching(rules, manifest.repository, tag);
      if (tag === undefined || !rule) return inner.putManifest(manifest, references, tag, options);
      // The check runs in the store's insert transaction: resolving the tag here first and
      // writing after would let two concurrent first pushes of different content both win.
      const result = await inner.putManifest(manifest, references, tag, {
        ...options,
        immutableTag: true,
      });
      if (!result.ok && result.reason === 'tag-immutable')
        throw immutable(manifest.repository, tag, rule, 'overwritten');
      return result;
    },
    getManifest: (repository, digest) => inner.getManifest(repository, digest),
    resolveTag: (repository, tag) => inner.resolveTag(repository, tag),
    listTags: (repository, limit, after) => inner.listTags(repository, limit, after),
    deleteManifest: async (repository, digest) => {
      if (rules(projectOf(repository)).length > 0) {
        const tags = await inner.listTags(repository, undefined, undefined);
        for (const tag of tags.items) {
          const rule = matching(rules, repository, tag);
          if (rule && (await inner.resolveTag(repository, tag)) === digest)
            throw immutable(repository, tag, rule, 'deleted (nor the manifest it points to)');
        }
      }
      return inner.deleteManifest(repository, digest);
    },
    deleteTag: async (repository, tag) => {
      const rule = matching(rules, repository, tag);
      if (rule && (await inner.resolveTag(repository, tag)) !== undefined)
        throw immutable(repository, tag, rule, 'deleted');
      return inner.deleteTag(repository, tag);
    },
    referrers: (repository, subject) => inner.referrers(repository, subject),
    createUpload: (session) => inner.createUpload(session),
    getUpload: (id) => inner.getUpload(id),
    touchUpload: (id, expiresAt) => inner.touchUpload(id, expiresAt),
    deleteUpload: (id) => inner.deleteUpload(id),
    listUploads: () => inner.listUploads(),
    expiredUploads: (now) => inner.expiredUploads(now),
    deleteExpiredUpload: (id, now) => inner.deleteExpiredUpload(id, now),
    externalChanges: () => inner.externalChanges(),
    close: () => {
      inner.close();
    },
  };
}
