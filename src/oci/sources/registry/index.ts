import { ImageError } from '../../errors.js';
import type { Image } from '../../image.js';
import type { PlatformSpec } from '../../platform.js';
import type { RegistryOptions } from './options.js';

export type { RegistryOptions } from './options.js';

export function openRegistryImage(
  reference: string,
  _options: { name: string; platform: PlatformSpec; registry: RegistryOptions },
): Promise<Image> {
  return Promise.reject(new ImageError('REGISTRY_ERROR', `${reference}: registry sources are not available yet`));
}
