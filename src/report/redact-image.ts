import type { ImageSummary } from '../catalog/index.js';
import { maskSecrets, namedSecret } from '../secrets/index.js';

function maskPair(pair: string): string {
  const equals = pair.indexOf('=');
  if (equals > 0 && namedSecret(pair)) return `${pair.slice(0, equals)}=${'*'.repeat(12)}`;
  return maskSecrets(pair);
}

/** A history line with secrets masked: rule matches anywhere, and secret-named build arguments. */
function maskCommand(createdBy: string): string {
  const masked = maskSecrets(createdBy);
  // `|N KEY=value … /bin/sh -c …`: the first N words are the RUN step's build arguments.
  const prefix = /^\|(?<count>\d+)\s+/.exec(masked);
  if (!prefix?.groups) return masked;
  const words = masked.slice(prefix[0].length).split(' ');
  const count = Number(prefix.groups['count']);
  return `${prefix[0]}${words.map((word, i) => (i < count ? maskPair(word) : word)).join(' ')}`;
}

/**
 * The image as a report shows it, with secrets in its config masked: `Env` values that a secret
 * rule matches or whose name says secret, and the same in history commands and build arguments.
 * The findings say where they were; the report must not carry them in the clear elsewhere.
 */
export function redactImage(image: ImageSummary): ImageSummary {
  const { config } = image;
  return {
    ...image,
    layers: image.layers.map((layer) =>
      layer.createdBy === undefined ? layer : { ...layer, createdBy: maskCommand(layer.createdBy) },
    ),
    config: {
      ...config,
      ...(config.config
        ? {
            config: {
              ...config.config,
              ...(config.config.Env ? { Env: config.config.Env.map(maskPair) } : {}),
            },
          }
        : {}),
      ...(config.history
        ? {
            history: config.history.map((entry) =>
              entry.created_by === undefined
                ? entry
                : { ...entry, created_by: maskCommand(entry.created_by) },
            ),
          }
        : {}),
    },
  };
}
