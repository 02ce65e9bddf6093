import type { PackageRecord } from '../types.js';

/**
 * Where a crate came from, in the terms both inputs share. Cargo.lock writes a source id
 * (`registry+<index>`, `sparse+<index>`, `git+<url>#<rev>`, none for path crates);
 * cargo-auditable writes one word (`crates.io`, `registry`, `git`, `local`).
 */
export type CrateSource =
  | { readonly kind: 'crates.io' }
  | { readonly kind: 'registry'; readonly index?: string | undefined }
  | { readonly kind: 'git'; readonly vcsUrl?: string | undefined }
  | { readonly kind: 'local' }
  | { readonly kind: 'other'; readonly raw: string };

const CRATES_IO_INDEXES = new Set([
  'https://github.com/rust-lang/crates.io-index',
  'https://index.crates.io/',
  'https://index.crates.io',
]);

/** A Cargo.lock `source` value (cargo's SourceId encoding); undefined means a path crate. */
export function lockSource(source: string | undefined): CrateSource {
  if (source === undefined || source === '') return { kind: 'local' };
  const match = /^(?<scheme>registry|sparse|git|path|directory)\+(?<rest>.*)$/.exec(source);
  const scheme = match?.groups?.['scheme'];
  const rest = match?.groups?.['rest'] ?? '';
  switch (scheme) {
    case 'registry':
    case 'sparse': {
      // A sparse index keeps its scheme in the URL users configure (`sparse+https://...`).
      if (CRATES_IO_INDEXES.has(rest)) return { kind: 'crates.io' };
      return { kind: 'registry', index: scheme === 'sparse' ? `sparse+${rest}` : rest };
    }
    case 'git': {
      // git+https://host/repo.git?branch=x#<full commit>: purl vcs_url is `git+<url>@<revision>`.
      const hash = rest.lastIndexOf('#');
      const url = (hash < 0 ? rest : rest.slice(0, hash)).replace(/\?.*$/, '');
      const revision = hash < 0 ? '' : rest.slice(hash + 1);
      return { kind: 'git', vcsUrl: revision ? `git+${url}@${revision}` : `git+${url}` };
    }
    case 'path':
    case 'directory':
      return { kind: 'local' };
    default:
      return { kind: 'other', raw: source };
  }
}

/** A cargo-auditable `source` value. */
export function auditableSource(source: string): CrateSource {
  switch (source) {
    case 'crates.io':
      return { kind: 'crates.io' };
    case 'registry':
      return { kind: 'registry' };
    case 'git':
      return { kind: 'git' };
    case 'local':
      return { kind: 'local' };
    default:
      return { kind: 'other', raw: source };
  }
}

/**
 * The record for one crate, or undefined when it is not a third-party package. Decisions (see
 * README): crates.io crates get plain `pkg:cargo` purls; other registries add `repository_url`;
 * git crates add `vcs_url` (so a git fork never shares a purl with the crates.io release); path
 * and workspace crates are the project's own source and are not reported.
 */
export function crateRecord(
  name: string,
  version: string,
  source: CrateSource,
  extra: Record<string, string | boolean> = {},
): PackageRecord | undefined {
  const qualifiers: Record<string, string> = {};
  switch (source.kind) {
    case 'local':
      return undefined;
    case 'registry':
      if (source.index) qualifiers['repository_url'] = source.index;
      break;
    case 'git':
      if (source.vcsUrl) qualifiers['vcs_url'] = source.vcsUrl;
      break;
    case 'other':
      extra = { ...extra, sourceId: source.raw };
      break;
    case 'crates.io':
      break;
  }
  return {
    type: 'cargo',
    name,
    version,
    ...(Object.keys(qualifiers).length > 0 ? { qualifiers } : {}),
    metadata: { source: source.kind, ...extra },
  };
}
