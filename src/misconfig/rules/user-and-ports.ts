import { defineRule } from '../../rules/index.js';
import type { ImageCheckFinding, ImageCheckInput } from '../types.js';

export const runsAsRoot = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-001',
  description: 'Image runs as root: no USER, or USER root / 0',
  severity: 'HIGH',
  evaluate({ catalog }) {
    const user = (catalog.image.config.config?.User ?? '').trim();
    const name = user.split(':')[0] ?? '';
    if (name !== '' && name !== 'root' && name !== '0') return [];
    return [
      {
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: user === '' ? 'no USER is set; the container runs as root' : `USER is ${user}`,
      },
    ];
  },
});

export const sshPortExposed = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-009',
  description: 'Port 22 (SSH) is exposed',
  severity: 'MEDIUM',
  evaluate({ catalog }) {
    const ports = Object.keys(catalog.image.config.config?.ExposedPorts ?? {});
    return ports
      .filter((port) => port.split('/')[0] === '22')
      .map((port) => ({
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: `EXPOSE ${port}`,
      }));
  },
});

export const noHealthcheck = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-010',
  description: 'No HEALTHCHECK instruction',
  severity: 'LOW',
  evaluate({ catalog }) {
    const test = catalog.image.config.config?.Healthcheck?.Test ?? [];
    if (test.length > 0 && test[0] !== 'NONE') return [];
    if (catalog.image.kind === 'rootfs') return [];
    return [
      {
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: 'the image config has no healthcheck',
      },
    ];
  },
});

export const imageTooOld = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-011',
  description: 'Image is older than the allowed age',
  severity: 'MEDIUM',
  evaluate({ catalog, now, maxImageAgeDays }) {
    const created = catalog.image.created ? Date.parse(catalog.image.created) : Number.NaN;
    if (!Number.isFinite(created)) return [];
    const days = Math.floor((now.getTime() - created) / 86_400_000);
    if (days <= maxImageAgeDays) return [];
    return [
      {
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: `created ${catalog.image.created ?? ''} (${days} days ago, limit ${maxImageAgeDays})`,
      },
    ];
  },
});
