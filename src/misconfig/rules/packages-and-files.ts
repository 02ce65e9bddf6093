import { defineRule } from '../../rules/index.js';
import type { ImageCheckFinding, ImageCheckInput } from '../types.js';

const SSH_SERVERS = new Set(['openssh-server', 'openssh', 'dropbear']);
const OS_TYPES = new Set(['deb', 'rpm', 'apk']);

export const sshdInstalled = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-005',
  description: 'An SSH server is installed',
  severity: 'MEDIUM',
  evaluate({ catalog }) {
    return (
      catalog.packages
        // OS packages only: an npm or PyPI package of the same name is a library, not a daemon.
        // `openssh-server*` also covers split packages such as Alpine's openssh-server-pam.
        .filter(
          (pkg) =>
            OS_TYPES.has(pkg.type) &&
            (SSH_SERVERS.has(pkg.name) || pkg.name.startsWith('openssh-server')),
        )
        .map((pkg) => ({
          ruleId: this.id,
          title: this.description,
          severity: this.severity,
          message: `${pkg.name} ${pkg.version}`,
          path: pkg.locations[0]?.path,
        }))
    );
  },
});

export const sudoInstalled = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-006',
  description: 'sudo is installed',
  severity: 'LOW',
  evaluate({ catalog }) {
    return catalog.packages
      .filter((pkg) => (pkg.name === 'sudo' || pkg.name === 'doas') && OS_TYPES.has(pkg.type))
      .map((pkg) => ({
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: `${pkg.name} ${pkg.version}`,
        path: pkg.locations[0]?.path,
      }));
  },
});

export const setuidFiles = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-007',
  description: 'setuid or setgid file',
  severity: 'LOW',
  evaluate({ catalog }) {
    return catalog.findings
      .filter((f) => f.visible && (f.ruleId === 'setuid' || f.ruleId === 'setgid'))
      .map((f) => ({
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: `${f.ruleId} ${f.path}`,
        path: f.path,
        layerIndex: f.layerIndex,
      }));
  },
});

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const worldWritableOnPath = defineRule<ImageCheckInput, ImageCheckFinding>({
  id: 'LY-IMG-008',
  description: 'World-writable file in a PATH directory',
  severity: 'HIGH',
  evaluate({ catalog }) {
    const env = catalog.image.config.config?.Env ?? [];
    const path = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
    const dirs = new Set(
      path
        .split(':')
        .map((d) => d.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean),
    );
    return catalog.findings
      .filter(
        (f) =>
          f.visible &&
          f.ruleId === 'world-writable' &&
          dirs.has(f.path.slice(0, f.path.lastIndexOf('/'))),
      )
      .map((f) => ({
        ruleId: this.id,
        title: this.description,
        severity: this.severity,
        message: f.path,
        path: f.path,
        layerIndex: f.layerIndex,
      }));
  },
});
