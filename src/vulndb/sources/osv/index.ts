import { parse as parseYaml } from 'yaml';
import { readRecordFile, walkInput } from '../../input/walk-input.js';
import { firstIssue } from '../../issues.js';
import { defineSource, type ImportSink } from '../../source.js';
import { convertOsvRecord } from './convert.js';
import { osvRecordSchema } from './schema.js';

const RECORD_FILE = /\.(?<format>json|ya?ml)$/i;

function decode(bytes: Buffer, yaml: boolean): unknown {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // The failsafe schema keeps every scalar a string: an unquoted version such as 1.10 must not
  // become the number 1.1, nor a date a Date.
  return yaml ? parseYaml(text, { schema: 'failsafe' }) : JSON.parse(text);
}

function importRecord(value: unknown, origin: string, sink: ImportSink): void {
  const parsed = osvRecordSchema.safeParse(value);
  if (!parsed.success) {
    const { field, reason } = firstIssue(parsed.error);
    sink.skip({ file: origin, field }, reason);
    return;
  }
  const converted = convertOsvRecord(parsed.data);
  if (!converted.ok) {
    sink.skip({ file: origin, field: converted.field }, converted.reason);
    return;
  }
  sink.add(converted.advisory, { file: origin }, { fragment: false });
}

export const osvSource = defineSource({
  id: 'osv',
  displayName: 'OSV (osv.dev, GitHub, Go, RustSec, PyPA, distro OSV feeds)',
  urls: ['https://ossf.github.io/osv-schema/', 'https://google.github.io/osv.dev/data/#data-dumps'],
  defaultFeeds: [
    'Go',
    'crates.io',
    'PyPI',
    'npm',
    'Maven',
    'NuGet',
    'RubyGems',
    'Packagist',
    'Hex',
    'Pub',
  ].map((ecosystem) => ({
    url: `https://osv-vulnerabilities.storage.googleapis.com/${encodeURIComponent(ecosystem)}/all.zip`,
    description: `osv.dev ${ecosystem} advisories`,
  })),
  async import(input, sink) {
    for await (const file of walkInput(input.path)) {
      const format = RECORD_FILE.exec(file.path)?.groups?.['format'];
      if (format === undefined) continue;
      const bytes = await readRecordFile(file, sink);
      if (bytes === undefined) continue;
      let value: unknown;
      try {
        value = decode(bytes, format.toLowerCase() !== 'json');
      } catch (error) {
        sink.skip(
          { file: file.origin },
          `cannot decode ${format.toUpperCase()}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
        );
        continue;
      }
      // A file may hold one record or a list of them (API responses, hand-made bundles).
      if (Array.isArray(value)) {
        for (const [index, item] of value.entries())
          importRecord(item, `${file.origin}[${index}]`, sink);
      } else {
        importRecord(value, file.origin, sink);
      }
    }
  },
});
