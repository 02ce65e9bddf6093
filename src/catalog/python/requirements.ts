import type { ParseResult } from '../cataloger.js';
import { dedupe, pypiRecord, PYTHON_NAME } from './lock-record.js';

/** `name[extras] == version` (or `===`), the only requirement form that names one release. */
const PINNED =
  /^(?<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*(?<version>[A-Za-z0-9][A-Za-z0-9.+!_-]*)$/;

/** Joins `\`-continued lines and drops comments (`#` at line start or after whitespace). */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const comment = line.search(/(?:^|\s)#/);
    const code = comment === -1 ? line : line.slice(0, comment);
    if (code.endsWith('\\')) {
      pending += `${code.slice(0, -1)} `;
      continue;
    }
    out.push(`${pending}${code}`.trim());
    pending = '';
  }
  if (pending.trim() !== '') out.push(pending.trim());
  return out;
}

/**
 * `requirements.txt` (https://pip.pypa.io/en/stable/reference/requirements-file-format/): only
 * exact pins (`==`, `===`) say which release is installed; ranges, URLs, paths, options
 * (`-r`, `-e`, `--hash`) and environment markers are not versions and are skipped.
 */
export function parseRequirements(text: string): ParseResult {
  const records = [];
  for (const line of logicalLines(text)) {
    if (line === '' || line.startsWith('-')) continue;
    // Options after the requirement (`--hash=...`) and markers (`; python_version < "3.8"`) go.
    const requirement = line.split(/\s+--|;/)[0]?.trim() ?? '';
    if (requirement.includes('@')) continue; // a direct URL reference, not a release
    const match = PINNED.exec(requirement)?.groups;
    const name = match?.['name'];
    const version = match?.['version'];
    if (!name || !version || !PYTHON_NAME.test(name) || version.includes('*')) continue;
    records.push(pypiRecord(name, version));
  }
  return { packages: dedupe(records) };
}
