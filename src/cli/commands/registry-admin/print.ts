import type { CliContext } from '../../context.js';

/** Prints rows as aligned columns under a header (or "(none)"). */
export function printTable(
  context: CliContext,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): void {
  if (rows.length === 0) {
    context.stdout.write('(none)\n');
    return;
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  context.stdout.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}

export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A field of an untrusted JSON answer as text (the server is trusted to be a Lockyard server, not to be well-formed). */
export function field(value: unknown, key: string): string {
  if (value === null || typeof value !== 'object' || !(key in value)) return '';
  const item = (value as Record<string, unknown>)[key];
  if (typeof item === 'string') return item;
  if (typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (Array.isArray(item)) return item.map(String).join(',');
  return item === null || item === undefined ? '-' : '';
}

/** The array under `key` of an answer (`{"users":[…]}`), or empty. */
export function items(value: unknown, key: string): unknown[] {
  if (value === null || typeof value !== 'object' || !(key in value)) return [];
  const list = (value as Record<string, unknown>)[key];
  return Array.isArray(list) ? list : [];
}

/**
 * A robot account just created: its name, its secret (the only time it is shown), what it may
 * do (`scope`, e.g. "actions: pull,push" or "grants: team:pull") and when it expires.
 */
export function printCreatedRobot(context: CliContext, answer: unknown, scope: string): void {
  const expires = field(answer, 'expiresAt');
  context.stdout.write(
    `robot account: ${field(answer, 'name')}\nsecret: ${field(answer, 'secret')}\n` +
      `${scope}; expires: ${expires === '-' ? 'never' : expires}\n` +
      '(the secret is shown once: it is stored only as a hash)\n',
  );
}

/**
 * A list answer (`{"users":[…]}`): as received with `--json`, else a table with `headers` and
 * one `row` per item under `key`.
 */
export function printList(
  context: CliContext,
  json: boolean,
  answer: unknown,
  key: string,
  headers: readonly string[],
  row: (entry: unknown) => string[],
): void {
  if (json) printJson(context, answer);
  else printTable(context, headers, items(answer, key).map(row));
}
