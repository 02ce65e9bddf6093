import { defineCataloger, type FileFinding } from '../catalog/index.js';
import { scanText } from './scan-text.js';
import { looksBinary, MAX_SECRET_FILE_BYTES, skipForSecrets } from './skip.js';

/**
 * The secret scanner as a file analyzer in the layer pass: it claims text-sized files outside the
 * skip list and reports masked matches. It runs over every layer, so a secret added in one layer
 * and deleted in a later one is still found, with its layer.
 */
export const secretAnalyzer = defineCataloger({
  id: 'secrets',
  displayName: 'Secrets in files',
  urls: ['https://github.com/lockyard/lockyard/blob/main/src/secrets/README.md'],
  packageTypes: [],
  version: 1,
  claims: (file) =>
    file.type === 'file' &&
    file.size > 0 &&
    file.size <= MAX_SECRET_FILE_BYTES &&
    !skipForSecrets(file.path),
  parse(file) {
    if (looksBinary(file.content)) return {};
    const findings: FileFinding[] = scanText(file.content.toString('utf8')).map((match) => ({
      kind: 'secret',
      ruleId: match.ruleId,
      title: match.title,
      severity: match.severity,
      category: match.category,
      line: match.line,
      excerpt: match.excerpt,
    }));
    return findings.length > 0 ? { findings } : {};
  },
});
