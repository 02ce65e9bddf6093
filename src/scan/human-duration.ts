const UNITS: readonly { readonly name: string; readonly ms: number }[] = [
  { name: 'day', ms: 86_400_000 },
  { name: 'hour', ms: 3_600_000 },
  { name: 'minute', ms: 60_000 },
  { name: 'second', ms: 1000 },
];

/**
 * A duration as people say it: the largest unit that fits, whole numbers (`3 minutes`, `1 second`,
 * `12 days`), one decimal only below 10 of a unit where rounding would hide a difference
 * (`1.5 days`). Under a second is "less than a second"; an unknown age (no build time) is said so.
 */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return 'an unknown time';
  if (ms < 1000) return 'less than a second';
  const unit = UNITS.find((u) => ms >= u.ms) ?? { name: 'second', ms: 1000 };
  const amount = ms / unit.ms;
  const shown =
    amount < 10 && unit.name !== 'second' ? Math.round(amount * 10) / 10 : Math.round(amount);
  return `${shown} ${unit.name}${shown === 1 ? '' : 's'}`;
}
