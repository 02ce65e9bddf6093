import { Command } from 'commander';
import type { AuditPage, AuditRecord, VerifyResult } from '../../audit/index.js';
import type { AuditStore } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { isDuration, parseDuration } from '../parse-duration.js';
import { addConnectionOptions, withConnection, type ConnectionFlags } from '../server-api/index.js';

interface SourceFlags extends ConnectionFlags {
  readonly dataDir?: string;
}

interface ListFlags extends SourceFlags {
  readonly actor?: string;
  readonly action?: string;
  readonly repository?: string;
  readonly since?: string;
  readonly until?: string;
  readonly limit?: string;
  readonly before?: string;
}

/** `24h`, `7d` mean that long ago; anything else goes to the query parser (ISO 8601, epoch ms). */
function instant(text: string | undefined, now: number, flag: string): string | undefined {
  if (text === undefined || !isDuration(text)) return text;
  return new Date(now - parseDuration(text, flag)).toISOString();
}

/** The audit log of a data directory, or (with --server) a running server's, as its admin. */
function addSourceOptions(command: Command): Command {
  return addConnectionOptions(
    command.option(
      '--data-dir <dir>',
      'read the audit log of this data directory (default $LOCKYARD_DATA_DIR or ~/.lockyard)',
    ),
  );
}

/** Calls `GET /api/v1/<path>` of the server named by --server, with the shared admin client. */
async function serverGet(flags: SourceFlags, context: CliContext, path: string): Promise<unknown> {
  let body: unknown;
  await withConnection(flags, context, async ({ client }) => {
    body = await client.call('GET', path);
  });
  return body;
}

async function withLocalStore<T>(flags: SourceFlags, run: (store: AuditStore) => T): Promise<T> {
  const [{ auditLogPath }, { openSqliteAuditStore, resolveDataDir }] = await Promise.all([
    import('../../server/index.js'),
    import('../../store/index.js'),
  ]);
  const store = openSqliteAuditStore(auditLogPath(resolveDataDir(flags.dataDir)), {
    readonly: true,
  });
  try {
    return run(store);
  } finally {
    store.close();
  }
}

function targetText(record: AuditRecord): string {
  const target =
    record.target !== undefined && record.target.startsWith('sha256:')
      ? `${record.target.slice(0, 19)}…`
      : record.target;
  if (record.repository === undefined) return target ?? record.targetType;
  if (target === undefined || target === record.repository) return record.repository;
  return `${record.repository}${record.targetType === 'tag' ? ':' : '@'}${target}`;
}

function printTable(context: CliContext, page: AuditPage): void {
  const rows = page.records.map((r) => [
    String(r.seq),
    r.time,
    r.actor,
    r.action,
    r.result,
    targetText(r),
    r.address ?? '-',
  ]);
  const header = ['SEQ', 'TIME', 'ACTOR', 'ACTION', 'RESULT', 'TARGET', 'ADDRESS'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  for (const row of [header, ...rows])
    context.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  if (page.next !== undefined) context.stdout.write(`(more: --before ${page.next})\n`);
}

function printVerify(context: CliContext, result: VerifyResult, json: boolean): void {
  if (json) context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.ok)
    context.stdout.write(
      `audit log verified: ${result.records} records, chain intact${result.head ? `, head #${result.head.seq} ${result.head.hash}` : ''}\n`,
    );
  else
    context.stdout.write(
      `audit log FAILED verification after ${result.records} good records: ${result.reason}\n`,
    );
  context.exitCode = result.ok ? ExitCode.ok : ExitCode.gateFailed;
}

export function auditCommand(context: CliContext): Command {
  const audit = new Command('audit').description(
    "Read and verify the server's tamper-evident audit log",
  );
  addSourceOptions(
    audit
      .command('list')
      .description(
        'List audit records, newest first (push, pull, delete, sign-in, failed authentication, administration)',
      )
      .option('--actor <name>', 'only this user, robot or "anonymous"')
      .option(
        '--action <action>',
        'only this action (push, pull, delete, login, registry.access, scan-policy.update, webhook.create, …)',
      )
      .option('--repository <name>', 'only this repository')
      .option('--since <time>', 'from this time on: ISO 8601, or a duration ago (30m, 24h, 7d)')
      .option('--until <time>', 'before this time: ISO 8601, or a duration ago')
      .option('--limit <n>', 'at most this many records (1-1000, default 100)')
      .option('--before <seq>', 'only records older than this sequence number (the next page)'),
  ).action(async (flags: ListFlags) => {
    const now = Date.now();
    const filters: Record<string, string> = {};
    const given: Record<string, string | undefined> = {
      actor: flags.actor,
      action: flags.action,
      repository: flags.repository,
      since: instant(flags.since, now, '--since'),
      until: instant(flags.until, now, '--until'),
      limit: flags.limit,
      before: flags.before,
    };
    for (const [key, value] of Object.entries(given)) if (value !== undefined) filters[key] = value;
    // Checked here too, so a bad flag names itself before any connection is made.
    const { parseAuditQuery, queryAudit } = await import('../../audit/index.js');
    const query = parseAuditQuery(filters);
    const page = flags.server
      ? ((await serverGet(
          flags,
          context,
          `audit?${new URLSearchParams(filters).toString()}`,
        )) as AuditPage)
      : await withLocalStore(flags, (store) => queryAudit(store, query));
    if (flags.json) context.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    else printTable(context, page);
  });
  addSourceOptions(
    audit
      .command('verify')
      .description(
        'Check the hash chain: every record unchanged, none removed or reordered (exit 1 when it is broken)',
      ),
  ).action(async (flags: SourceFlags) => {
    const { verifyAuditChain } = await import('../../audit/index.js');
    const result = flags.server
      ? ((await serverGet(flags, context, 'audit/verify')) as VerifyResult)
      : await withLocalStore(flags, (store) => verifyAuditChain(store));
    printVerify(context, result, flags.json === true);
  });
  return audit;
}
