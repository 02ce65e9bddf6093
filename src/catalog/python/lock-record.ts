import type { PackageRecord } from '../types.js';
import { normalizePythonName } from './core-metadata.js';

/** PEP 508 names: letters and digits, with `.`, `_`, `-` inside. */
export const PYTHON_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;

export interface PythonLockOptions {
  readonly includeDev: boolean;
}

export function pypiRecord(
  name: string,
  version: string,
  metadata?: Record<string, boolean | string>,
  requires: readonly string[] = [],
): PackageRecord {
  const normalized = normalizePythonName(name);
  const all = { ...metadata, ...(normalized === name ? {} : { declaredName: name }) };
  const needs = [...new Set(requires.map(normalizePythonName))].map((dependency) => [dependency]);
  return {
    type: 'pypi',
    name: normalized,
    version,
    ...(needs.length > 0 ? { requires: needs } : {}),
    ...(Object.keys(all).length > 0 ? { metadata: all } : {}),
  };
}

/** One record per normalized name@version, keeping the first (prod before dev by construction). */
export function dedupe(records: readonly PackageRecord[]): PackageRecord[] {
  const seen = new Set<string>();
  return records.filter((record) => {
    const key = `${record.name}@${record.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
