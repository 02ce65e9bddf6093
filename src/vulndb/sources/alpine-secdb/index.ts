import * as z from 'zod';
import { readRecordFile, walkInput } from '../../input/walk-input.js';
import { firstIssue } from '../../issues.js';
import type { AffectedPackage, VersionRange } from '../../model.js';
import { CVE_ID, distroRange } from '../../normalize.js';
import { defineSource, type ImportSink } from '../../source.js';
import { parseSecfixLine } from './parse-ids.js';

const secdbSchema = z.object({
  distroversion: z.string().min(1),
  reponame: z.string().min(1),
  packages: z.array(z.unknown()),
});

const packageSchema = z.object({
  pkg: z.object({
    name: z.string().min(1),
    secfixes: z.record(
      z.string().min(1),
      z
        .array(z.string())
        .nullish()
        .transform((value) => value ?? []),
    ),
  }),
});

/** Alpine's marker for "this CVE never affected the package as Alpine builds it". */
const NOT_AFFECTED_VERSION = '0';

/** `v3.19` -> `Alpine:v3.19`, `edge` -> `Alpine:edge` (OSV's spelling). */
function ecosystemOf(distroversion: string): string {
  const version = distroversion.trim();
  return `Alpine:${/^\d/.test(version) ? `v${version}` : version}`;
}

interface Collected {
  aliases: Set<string>;
  related: Set<string>;
  versions: Set<string>;
  notes: Set<string>;
}

function collectPackage(
  name: string,
  secfixes: Record<string, string[]>,
  origin: string,
  sink: ImportSink,
): Map<string, Collected> {
  const byId = new Map<string, Collected>();
  for (const [version, lines] of Object.entries(secfixes)) {
    for (const line of lines) {
      const parsed = parseSecfixLine(line);
      for (const token of parsed.rejected) {
        sink.note(
          { file: origin, field: `${name}.secfixes.${version}` },
          `ignored malformed advisory id ${token}`,
        );
      }
      for (const entry of parsed.ids) {
        let slot = byId.get(entry.id);
        if (slot === undefined) {
          slot = { aliases: new Set(), related: new Set(), versions: new Set(), notes: new Set() };
          byId.set(entry.id, slot);
        }
        for (const alias of entry.aliases) slot.aliases.add(alias);
        for (const related of entry.related) slot.related.add(related);
        slot.versions.add(version.trim());
        if (parsed.note !== undefined) slot.notes.add(parsed.note);
      }
    }
  }
  return byId;
}

function affectedEntry(ecosystem: string, name: string, collected: Collected): AffectedPackage {
  const fixed = [...collected.versions].filter((version) => version !== NOT_AFFECTED_VERSION);
  const note = collected.notes.size > 0 ? [...collected.notes].join('; ') : undefined;
  // A CVE listed under two fix versions (an incomplete first fix) gets one range per fix; OSV
  // ranges are a union, so every version below the last fix stays affected.
  const ranges: VersionRange[] = fixed.map((version) => distroRange(version));
  return {
    ecosystem,
    name,
    status: fixed.length > 0 ? 'fixed' : 'not-affected',
    ranges,
    versions: [],
    fixed,
    severity: [],
    ...(note === undefined ? {} : { note }),
  };
}

function importSecdb(value: unknown, origin: string, sink: ImportSink): void {
  const file = secdbSchema.safeParse(value);
  if (!file.success) {
    const { field, reason } = firstIssue(file.error);
    sink.skip({ file: origin, field }, reason);
    return;
  }
  const ecosystem = ecosystemOf(file.data.distroversion);
  for (const [index, item] of file.data.packages.entries()) {
    const parsed = packageSchema.safeParse(item);
    if (!parsed.success) {
      const { field, reason } = firstIssue(parsed.error);
      sink.skip({ file: origin, field: `packages.${index}.${field}` }, reason);
      continue;
    }
    const { name, secfixes } = parsed.data.pkg;
    for (const [id, collected] of collectPackage(name, secfixes, origin, sink)) {
      sink.add(
        {
          id,
          aliases: [...collected.aliases],
          related: [...collected.related],
          severity: [],
          cwes: [],
          references: [],
          ...(CVE_ID.test(id) ? { url: `https://security.alpinelinux.org/vuln/${id}` } : {}),
          affected: [affectedEntry(ecosystem, name.trim(), collected)],
        },
        { file: origin, field: `packages.${index}` },
        { fragment: true },
      );
    }
  }
}

export const alpineSecdbSource = defineSource({
  id: 'alpine-secdb',
  displayName: 'Alpine Linux secdb',
  urls: [
    'https://secdb.alpinelinux.org/',
    'https://wiki.alpinelinux.org/wiki/APKBUILD_Reference#secfixes',
  ],
  defaultFeeds: ['v3.18', 'v3.19', 'v3.20', 'v3.21', 'v3.22', 'edge'].flatMap((release) =>
    ['main', 'community'].map((repo) => ({
      url: `https://secdb.alpinelinux.org/${release}/${repo}.json`,
      description: `Alpine ${release} ${repo}`,
    })),
  ),
  async import(input, sink) {
    for await (const file of walkInput(input.path)) {
      if (!/\.json$/i.test(file.path)) continue;
      const bytes = await readRecordFile(file, sink);
      if (bytes === undefined) continue;
      let value: unknown;
      try {
        value = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
      } catch (error) {
        sink.skip(
          { file: file.origin },
          `cannot decode JSON: ${error instanceof Error ? error.message : String(error)}`,
        );
        continue;
      }
      importSecdb(value, file.origin, sink);
    }
  },
});
