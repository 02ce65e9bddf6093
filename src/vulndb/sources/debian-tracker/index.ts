import { JSONParser } from '@streamparser/json';
import { describeCause } from '../../../errors/index.js';
import { VulnDbError } from '../../errors.js';
import { walkInput } from '../../input/walk-input.js';
import { defineSource } from '../../source.js';
import { importPackage } from './convert.js';

export const debianTrackerSource = defineSource({
  id: 'debian-tracker',
  displayName: 'Debian security tracker (JSON)',
  urls: [
    'https://security-tracker.debian.org/tracker/data/json',
    'https://security-team.debian.org/security_tracker.html',
  ],
  defaultFeeds: [
    {
      url: 'https://security-tracker.debian.org/tracker/data/json',
      description: 'Debian security tracker, every release',
    },
  ],
  async import(input, sink) {
    for await (const file of walkInput(input.path)) {
      if (!/\.json$/i.test(file.path) && file.path !== 'json') continue;
      // The dump is one object of ~40,000 packages (tens of MB); it is parsed as a stream and
      // each package's issues are imported as soon as that package's value is complete.
      const parser = new JSONParser({ paths: ['$.*'], keepStack: false });
      let importError: Error | undefined;
      parser.onValue = ({ key, value }) => {
        if (typeof key !== 'string') return;
        try {
          importPackage(key, value, file.origin, sink);
        } catch (error) {
          // Not the feed's fault (the database being written failed): passed on as it is.
          importError = error instanceof Error ? error : new Error(String(error));
          throw importError;
        }
      };
      try {
        // Bytes go in as they are: the parser decodes UTF-8 itself, across chunk boundaries.
        for await (const chunk of await file.open()) parser.write(chunk as Buffer);
        // The parser ends by itself after the top-level value; only a cut-off dump is still open.
        if (!parser.isEnded) parser.end();
      } catch (error) {
        if (importError !== undefined) throw importError;
        throw new VulnDbError(
          'INPUT_INVALID',
          `cannot read Debian tracker JSON ${file.origin}: ${describeCause(error)}`,
          { cause: error, details: { file: file.origin } },
        );
      }
    }
  },
});
