import { OS_PACKAGE_TYPES } from '../../catalog/index.js';
import { defineRule, type Rule } from '../../rules/index.js';
import type { ImageCheckFinding, ImageCheckInput } from '../types.js';

const SSH_SERVERS = new Set(['openssh-server', 'openssh', 'dropbear']);

/**
 * "This OS package is installed": one finding per matching deb, rpm or apk package. OS packages
 * only: an npm or PyPI package of the same name is a library, not a daemon or a setuid tool.
 */
function osPackageInstalled(
  rule: Pick<Rule<ImageCheckInput, ImageCheckFinding>, 'id' | 'description' | 'severity'>,
  matches: (name: string) => boolean,
): Rule<ImageCheckInput, ImageCheckFinding> {
  return defineRule<ImageCheckInput, ImageCheckFinding>({
    ...rule,
    evaluate({ catalog }) {
      return catalog.packages
        .filter((pkg) => OS_PACKAGE_TYPES.has(pkg.type) && matches(pkg.name))
        .map((pkg) => ({
          ruleId: rule.id,
          title: rule.description,
          severity: rule.severity,
          message: `${pkg.name} ${pkg.version}`,
          path: pkg.locations[0]?.path,
        }));
    },
  });
}

export const sshdInstalled = osPackageInstalled(
  { id: 'LY-IMG-005', description: 'An SSH server is installed', severity: 'MEDIUM' },
  // `openssh-server*` also covers split packages such as Alpine's openssh-server-pam.
  (name) => SSH_SERVERS.has(name) || name.startsWith('openssh-server'),
);

export const sudoInstalled = osPackageInstalled(
  { id: 'LY-IMG-006', description: 'sudo is installed', severity: 'LOW' },
  (name) => name === 'sudo' || name === 'doas',
);

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
