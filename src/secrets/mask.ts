const MAX_EXCERPT = 200;

/** Replaces the secret inside a line with asterisks and trims the line around it. */
export function maskLine(line: string, secretStart: number, secretLength: number): string {
  const masked = `${line.slice(0, secretStart)}${'*'.repeat(Math.min(secretLength, 40))}${line.slice(secretStart + secretLength)}`;
  if (masked.length <= MAX_EXCERPT) return masked.trim();
  const from = Math.max(0, secretStart - 60);
  return `…${masked.slice(from, from + MAX_EXCERPT).trim()}…`;
}

/** Shannon entropy in bits per character: random tokens score high, words and placeholders low. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
