import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { RegistryMetadata } from '../../store/index.js';

const PAGE = 200;

/**
 * Queues every tagged manifest that has no scan yet: images pushed before scanning was on, or
 * while the server was stopped between a push and its queue row. Runs in the background, a page
 * at a time; `enqueue` ignores digests that are already known.
 */
export async function backfill(
  metadata: RegistryMetadata,
  enqueue: (digest: string, repository: string) => void,
  stopped: () => boolean,
): Promise<void> {
  let afterRepository: string | undefined;
  for (;;) {
    const repositories = await metadata.listRepositories(PAGE, afterRepository);
    for (const repository of repositories.items) {
      let afterTag: string | undefined;
      for (;;) {
        const tags = await metadata.listTags(repository, PAGE, afterTag);
        for (const tag of tags.items) {
          if (stopped()) return;
          const digest = await metadata.resolveTag(repository, tag);
          if (digest !== undefined) enqueue(digest, repository);
        }
        if (!tags.more) break;
        afterTag = tags.items.at(-1);
        await yieldToLoop();
      }
    }
    if (!repositories.more) return;
    afterRepository = repositories.items.at(-1);
  }
}
