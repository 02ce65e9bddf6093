import { describe, expect, it } from 'vitest';
import type { Severity } from '../../rules/index.js';
import { NO_POLICY, type ScanPolicy } from './policy.js';
import { ScanPullGate, type Verdict } from './pull-gate.js';

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const worst = (severity: Severity, fixed = ['1.2.6']) => ({
  id: `CVE-2021-${severity.length}`,
  severity,
  package: 'minimist',
  version: '1.2.5',
  fixedVersions: fixed,
  status: 'fixed',
});

function gate(policy: ScanPolicy, verdict: Verdict | undefined): ScanPullGate {
  const g = new ScanPullGate();
  g.setPolicies(new Map([['lib', policy]]));
  if (verdict) g.setVerdict(D(1), verdict);
  return g;
}

describe('pull gate decisions', () => {
  // [policy, verdict of the pulled digest, blocked?]
  const table: [string, ScanPolicy, Verdict | undefined, boolean][] = [
    ['no policy, unscanned', NO_POLICY, undefined, false],
    ['no policy, critical', NO_POLICY, { status: 'done', worst: worst('CRITICAL') }, false],
    [
      'HIGH, critical finding',
      { blockSeverity: 'HIGH', blockUnscanned: false },
      { status: 'done', worst: worst('CRITICAL') },
      true,
    ],
    [
      'HIGH, high finding',
      { blockSeverity: 'HIGH', blockUnscanned: false },
      { status: 'done', worst: worst('HIGH') },
      true,
    ],
    [
      'HIGH, medium finding',
      { blockSeverity: 'HIGH', blockUnscanned: false },
      { status: 'done', worst: worst('MEDIUM') },
      false,
    ],
    [
      'HIGH, no findings',
      { blockSeverity: 'HIGH', blockUnscanned: false },
      { status: 'done', worst: undefined },
      false,
    ],
    [
      'UNKNOWN blocks any finding',
      { blockSeverity: 'UNKNOWN', blockUnscanned: false },
      { status: 'done', worst: worst('UNKNOWN') },
      true,
    ],
    [
      'severity only, unscanned passes',
      { blockSeverity: 'LOW', blockUnscanned: false },
      undefined,
      false,
    ],
    [
      'severity only, failed passes',
      { blockSeverity: 'LOW', blockUnscanned: false },
      { status: 'failed', error: 'x' },
      false,
    ],
    ['unscanned blocked', { blockSeverity: undefined, blockUnscanned: true }, undefined, true],
    [
      'failed scan blocked',
      { blockSeverity: undefined, blockUnscanned: true },
      { status: 'failed', error: 'corrupt layer' },
      true,
    ],
    [
      'artifact never blocked',
      { blockSeverity: 'UNKNOWN', blockUnscanned: true },
      { status: 'unsupported' },
      false,
    ],
    [
      'scanned clean with both rules',
      { blockSeverity: 'CRITICAL', blockUnscanned: true },
      { status: 'done', worst: worst('HIGH') },
      false,
    ],
  ];
  it.each(table)('%s', (_name, policy, verdict, blocked) => {
    expect(gate(policy, verdict).check('lib/app', D(1)) !== undefined).toBe(blocked);
  });

  it('applies a project policy only to that project (first path component)', () => {
    const g = gate(
      { blockSeverity: 'LOW', blockUnscanned: true },
      { status: 'done', worst: worst('HIGH') },
    );
    expect(g.check('lib/app', D(1))).toBeDefined();
    expect(g.check('lib', D(1))).toBeDefined();
    expect(g.check('library/app', D(1))).toBeUndefined();
    expect(g.check('other/lib/app', D(1))).toBeUndefined();
  });

  it('explains a block with the finding in the detail', () => {
    const denial = gate(
      { blockSeverity: 'HIGH', blockUnscanned: false },
      { status: 'done', worst: worst('CRITICAL', []) },
    ).check('lib/app', D(1));
    expect(denial?.message).toBe(
      `pull of lib/app@${D(1)} blocked by the policy of project lib: CVE-2021-8 (CRITICAL) in minimist 1.2.5 is at or above HIGH; no fix yet`,
    );
    expect(denial?.detail).toEqual({
      repository: 'lib/app',
      digest: D(1),
      policy: 'block-severity',
      threshold: 'HIGH',
      finding: 'CVE-2021-8',
      severity: 'CRITICAL',
      package: 'minimist',
      version: '1.2.5',
      fixedVersion: '',
    });
  });

  it('judges an index by each of its images', () => {
    const g = gate(
      { blockSeverity: 'HIGH', blockUnscanned: true },
      { status: 'done', worst: undefined },
    );
    g.setIndex(D(9), [
      { digest: D(1), platform: 'linux/amd64' },
      { digest: D(2), platform: 'linux/arm64' },
    ]);
    expect(g.check('lib/multi', D(9))?.detail).toMatchObject({
      index: D(9),
      image: D(2),
      platform: 'linux/arm64',
      scan: 'pending',
    });
    g.setVerdict(D(2), { status: 'done', worst: worst('HIGH') });
    expect(g.check('lib/multi', D(9))?.detail).toMatchObject({
      index: D(9),
      image: D(2),
      finding: 'CVE-2021-4',
    });
    g.setVerdict(D(2), { status: 'done', worst: worst('LOW') });
    expect(g.check('lib/multi', D(9))).toBeUndefined();
  });

  it('drops inactive policies, so a registry without gates checks nothing', () => {
    const g = new ScanPullGate();
    g.setPolicies(new Map([['lib', NO_POLICY]]));
    expect(g.check('lib/app', D(1))).toBeUndefined();
  });
});
