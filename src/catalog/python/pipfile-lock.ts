import * as z from 'zod';
import type { ParseResult } from '../cataloger.js';
import type { PackageRecord } from '../types.js';
import { dedupe, pypiRecord, PYTHON_NAME, type PythonLockOptions } from './lock-record.js';
import { describeCause } from '../../errors/index.js';

const section = z.record(z.string(), z.unknown());
const entry = z.object({ version: z.string() });

/**
 * Pipenv's `Pipfile.lock` (https://pipenv.pypa.io/en/latest/pipfile.html): JSON with `default`
 * (prod) and `develop` sections of `name: {version: "==1.2.3"}`. Entries without a version are
 * VCS or path installs and are skipped.
 */
export function parsePipfileLock(text: string, options: PythonLockOptions): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { warnings: [`Pipfile.lock is not valid JSON: ${describeCause(error).split('\n')[0]}`] };
  }
  const top = z
    .object({ default: section.optional(), develop: section.optional() })
    .safeParse(json);
  if (!top.success)
    return {
      warnings: [
        `Pipfile.lock: field "${top.error.issues[0]?.path.join('.') ?? ''}" is not an object`,
      ],
    };
  const warnings: string[] = [];
  const records: PackageRecord[] = [];
  const sections: ['default' | 'develop', boolean][] = [
    ['default', false],
    ...(options.includeDev ? [['develop', true] as ['develop', boolean]] : []),
  ];
  for (const [name, dev] of sections) {
    for (const [pkg, value] of Object.entries(top.data[name] ?? {})) {
      const parsed = entry.safeParse(value);
      if (!parsed.success) continue;
      const version = parsed.data.version.replace(/^===?/, '').trim();
      if (!PYTHON_NAME.test(pkg) || version === '') {
        warnings.push(`${name}["${pkg.slice(0, 80)}"] skipped: bad name or version`);
        continue;
      }
      records.push(pypiRecord(pkg, version, dev ? { dev: true } : undefined));
    }
  }
  return { packages: dedupe(records), ...(warnings.length > 0 ? { warnings } : {}) };
}
