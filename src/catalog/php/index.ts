import { baseName, defineCataloger, type Cataloger, type ParseResult } from '../cataloger.js';
import { parseComposerLock, parseInstalledJson, type ComposerOptions } from './composer.js';
import { describeCause } from '../../errors/index.js';

export { parseComposerLock, parseInstalledJson, type ComposerOptions } from './composer.js';

const INSTALLED = 'composer/installed.json';

/** composer's record of what it installed, in any vendor-dir (default `vendor/`). */
export function isInstalledJson(path: string): boolean {
  return (
    path.endsWith(INSTALLED) &&
    (path.length === INSTALLED.length ||
      path.charCodeAt(path.length - INSTALLED.length - 1) === 0x2f)
  );
}

/** A project's lockfile; one inside vendor/ came with an installed package, not with this install. */
export function isComposerLock(path: string): boolean {
  return (
    baseName(path) === 'composer.lock' && !path.startsWith('vendor/') && !path.includes('/vendor/')
  );
}

export interface ComposerCatalogerOptions {
  /** Report composer.lock `packages-dev` (default false). */
  readonly includeDev?: boolean;
}

/** PHP Composer packages from vendor/composer/installed.json and composer.lock. See README.md. */
export function createPhpCataloger(options: ComposerCatalogerOptions = {}): Cataloger {
  const lockOptions: ComposerOptions = { includeDev: options.includeDev ?? false };
  return defineCataloger({
    id: 'php',
    displayName: 'PHP Composer packages (installed.json, composer.lock)',
    urls: [
      'https://getcomposer.org/doc/04-schema.md',
      'https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control',
    ],
    packageTypes: ['composer'],
    version: 4,
    claims: (file) =>
      isInstalledJson(file.path) ||
      (file.path.endsWith('composer.lock') && isComposerLock(file.path)),
    parse(file): ParseResult {
      const text = file.content.toString('utf8');
      try {
        return isInstalledJson(file.path)
          ? parseInstalledJson(text)
          : parseComposerLock(text, lockOptions);
      } catch (error) {
        return { warnings: [`could not parse: ${describeCause(error).split('\n')[0]}`] };
      }
    },
  });
}

export const phpCataloger: Cataloger = createPhpCataloger();
