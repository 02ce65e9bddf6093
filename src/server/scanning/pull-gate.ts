import { severityRank } from '../../rules/index.js';
import { isActive, projectOf, type ScanPolicy } from './policy.js';
import type { FindingBrief } from './verdict.js';

/** What the gate knows of a scanned manifest. Queued, running and unknown digests are absent. */
export type Verdict =
  | { readonly status: 'done'; readonly worst: FindingBrief | undefined }
  | { readonly status: 'failed'; readonly error: string }
  | { readonly status: 'unsupported' };

/** Why a pull is refused: a one-line message and the spec's flat `detail` object. */
export interface PullDenial {
  readonly message: string;
  readonly detail: Readonly<Record<string, string | number | boolean>>;
}

/**
 * The per-project pull gate, decided from memory only: it runs on the manifest GET hot path.
 * With no project policy set, `check` is one size test. Verdicts are kept for every scanned
 * digest (a few hundred bytes each) and replaced as scans and rescans finish.
 */
export class ScanPullGate {
  #policies = new Map<string, ScanPolicy>();
  readonly #verdicts = new Map<string, Verdict>();
  readonly #indexes = new Map<
    string,
    readonly { digest: string; platform: string | undefined }[]
  >();

  /** The effective policy per project; inactive ones are dropped so they cost nothing. */
  setPolicies(policies: ReadonlyMap<string, ScanPolicy>): void {
    this.#policies = new Map([...policies].filter(([, policy]) => isActive(policy)));
  }

  setVerdict(digest: string, verdict: Verdict): void {
    this.#verdicts.set(digest, verdict);
  }

  setIndex(
    digest: string,
    children: readonly { digest: string; platform: string | undefined }[],
  ): void {
    this.#indexes.set(digest, children);
  }

  /** Undefined lets the pull through; otherwise the refusal, naming the finding or the missing scan. */
  check(repository: string, digest: string): PullDenial | undefined {
    if (this.#policies.size === 0) return undefined;
    const project = projectOf(repository);
    const policy = this.#policies.get(project);
    if (!policy) return undefined;
    const children = this.#indexes.get(digest);
    if (!children) return this.#judge(policy, project, repository, digest, undefined);
    // An index is as good as its worst image: every child is judged as if pulled itself.
    for (const child of children) {
      const denial = this.#judge(policy, project, repository, child.digest, {
        index: digest,
        platform: child.platform,
      });
      if (denial) return denial;
    }
    return undefined;
  }

  #judge(
    policy: ScanPolicy,
    project: string,
    repository: string,
    digest: string,
    index: { index: string; platform: string | undefined } | undefined,
  ): PullDenial | undefined {
    const verdict = this.#verdicts.get(digest);
    const where = index
      ? {
          index: index.index,
          image: digest,
          ...(index.platform ? { platform: index.platform } : {}),
        }
      : {};
    const subject = `${repository}@${index?.index ?? digest}${index?.platform ? ` (${index.platform} image ${digest})` : ''}`;
    if (verdict === undefined || verdict.status === 'failed') {
      if (!policy.blockUnscanned) return undefined;
      const why =
        verdict === undefined
          ? 'it has not been scanned yet'
          : `its scan failed (${verdict.error})`;
      return {
        message: `pull of ${subject} blocked by the policy of project ${project}: ${why}, and unscanned images may not be pulled`,
        detail: {
          repository,
          digest,
          policy: 'block-unscanned',
          scan: verdict === undefined ? 'pending' : 'failed',
          ...where,
        },
      };
    }
    if (verdict.status === 'unsupported' || policy.blockSeverity === undefined || !verdict.worst)
      return undefined;
    const worst = verdict.worst;
    if (severityRank(worst.severity) < severityRank(policy.blockSeverity)) return undefined;
    const fixed =
      worst.fixedVersions.length > 0
        ? `; fixed in ${worst.fixedVersions.join(', ')}`
        : '; no fix yet';
    return {
      message: `pull of ${subject} blocked by the policy of project ${project}: ${worst.id} (${worst.severity}) in ${worst.package} ${worst.version} is at or above ${policy.blockSeverity}${fixed}`,
      detail: {
        repository,
        digest,
        policy: 'block-severity',
        threshold: policy.blockSeverity,
        finding: worst.id,
        severity: worst.severity,
        package: worst.package,
        version: worst.version,
        fixedVersion: worst.fixedVersions.join(', '),
        ...where,
      },
    };
  }
}
