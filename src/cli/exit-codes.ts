/** Exit codes: a finding that fails the gate is never confused with an error. */
export const ExitCode = {
  ok: 0,
  /** The gate failed: findings at or above the threshold (scan, policy, verify). */
  gateFailed: 1,
  /** Could not do the job: bad input, bad flags, unreachable registry, corrupt image. */
  error: 2,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
