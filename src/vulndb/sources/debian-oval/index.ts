import { describeCause } from '../../../errors/index.js';
import { VulnDbError } from '../../errors.js';
import { walkInput } from '../../input/walk-input.js';
import { normalizeDate } from '../../normalize.js';
import { defineSource } from '../../source.js';
import { resolveDefinitions } from './convert.js';
import { parseOval } from './parse-oval.js';

export const debianOvalSource = defineSource({
  id: 'debian-oval',
  displayName: 'Debian OVAL definitions',
  urls: [
    'https://www.debian.org/security/oval/',
    'https://oval.mitre.org/language/version5.11/ovaldefinition/documentation/oval-definitions-schema.html',
  ],
  // Not fetched by default: the tracker dump (debian-tracker) says all OVAL says and more.
  // Feed URL: https://www.debian.org/security/oval/oval-definitions-<codename>.xml.bz2
  defaultFeeds: [],
  async import(input, sink) {
    for await (const file of walkInput(input.path)) {
      if (!/\.xml$/i.test(file.path)) continue;
      let doc;
      try {
        doc = await parseOval(await file.open());
      } catch (error) {
        // XML that is not well formed cannot be read past the fault: the whole file is bad.
        throw new VulnDbError(
          'INPUT_INVALID',
          `cannot read OVAL file ${file.origin}: ${describeCause(error)}`,
          { cause: error, details: { file: file.origin } },
        );
      }
      const generated = normalizeDate(doc.generatedAt);
      // The definitions carry no dates of their own; the generator timestamp says how new they are.
      if (generated !== undefined) sink.feedDate(generated);
      for (const { advisory, field } of resolveDefinitions(doc, file.origin, sink)) {
        sink.add(advisory, { file: file.origin, field }, { fragment: true });
      }
    }
  },
});
