import { defineRule } from '../../rules/index.js';
import { scanText } from '../../secrets/index.js';
import { buildArgs, secretAssignments } from '../env.js';
import type { ImageCheckFinding, ImageCheckInput } from '../types.js';

export const secretsInEnv = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-002',
  description: 'Secret in an ENV variable of the image config',
  severity: 'CRITICAL',
  evaluate({ catalog, secretScanner }) {
    return secretAssignments(catalog.image.config.config?.Env ?? [], !secretScanner).map(
      (message) => ({
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: `ENV ${message}`,
      }),
    );
  },
});

export const secretsInHistory = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-003',
  description: 'Secret in a build argument or command recorded in the image history',
  severity: 'CRITICAL',
  evaluate({ catalog, secretScanner }) {
    const out: ImageCheckFinding[] = [];
    for (const [index, entry] of (catalog.image.config.history ?? []).entries()) {
      const createdBy = entry.created_by ?? '';
      const messages = [
        ...secretAssignments(buildArgs(createdBy), !secretScanner).map((m) => `ARG ${m}`),
        ...(secretScanner ? [] : scanText(createdBy).map((m) => `${m.title}: ${m.excerpt}`)),
      ];
      for (const message of messages) {
        out.push({
          ruleId: this.id,
          title: this.description,
          severity: this.severity,
          message: `history[${index}]: ${message}`,
        });
      }
    }
    return out;
  },
});

export const addFromUrl = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-004',
  description: 'ADD fetches a remote URL (use curl with checksum verification, or COPY)',
  severity: 'MEDIUM',
  evaluate({ catalog }) {
    const out: ImageCheckFinding[] = [];
    for (const [index, entry] of (catalog.image.config.history ?? []).entries()) {
      const url = /\bADD\b(?:\s+--\S+)*\s+(?<url>https?:\/\/\S+)/.exec(entry.created_by ?? '')
        ?.groups?.['url'];
      if (url)
        out.push({
          ruleId: this.id,
          title: this.description,
          severity: this.severity,
          message: `history[${index}]: ADD ${url}`,
        });
    }
    return out;
  },
});
