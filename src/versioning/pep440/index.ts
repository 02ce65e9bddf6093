import { defineVersioningApi } from '../define-api.js';
import type { VersionScheme } from '../types.js';
import { comparePep440Versions } from './compare.js';
import { parsePep440Version, type Pep440Version } from './parse.js';
import { parsePep440Constraint } from './specifier.js';

export const id = 'pep440';
export const displayName = 'Python (PEP 440)';
export const urls = [
  'https://packaging.python.org/en/latest/specifications/version-specifiers/',
  'https://peps.python.org/pep-0440/',
] as const;

/** Python package versions and specifier sets, as packaging (pip's library) reads them. */
export const api = defineVersioningApi<Pep440Version>({
  id,
  parse: parsePep440Version,
  compare: comparePep440Versions,
  parseConstraint: (constraint) => parsePep440Constraint(id, constraint),
});

export const pep440: VersionScheme<Pep440Version> = { id, displayName, urls, api };
export type { Pep440Version };
