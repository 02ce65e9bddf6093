import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { Agent, request, type Dispatcher } from 'undici';
import {
  parseAuditQuery,
  queryAudit,
  verifyAuditChain,
  type AuditPage,
  type AuditRecord,
  type VerifyResult,
} from '../../audit/index.js';
import { ConfigError, describeCause } from '../../errors/index.js';
import { auditLogPath } from '../../server/index.js';
import { openSqliteAuditStore, resolveDataDir } from '../../store/index.js';
import { readStdin, type CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';

interface SourceFlags {
  readonly dataDir?: string;
  readonly server?: string;
  readonly username?: string;
  readonly passwordStdin?: boolean;
  readonly tokenStdin?: boolean;
  readonly caFile?: string[];
  readonly json?: boolean;
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

const RELATIVE = /^(?<amount>\d+)(?<unit>s|m|h|d|w)$/;
const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};
const MAX_BODY = 16 * 1024 * 1024;

/** `24h`, `7d` mean that long ago; anything else goes to the query parser (ISO 8601, epoch ms). */
function instant(text: string | undefined, now: number): string | undefined {
  if (text === undefined) return undefined;
  const match = RELATIVE.exec(text.trim());
  if (!match?.groups) return text;
  return new Date(
    now - Number(match.groups['amount']) * (UNIT_MS[match.groups['unit'] ?? 'h'] ?? 0),
  ).toISOString();
}

function addSourceOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'read the audit log of this data directory (default $LOCKYARD_DATA_DIR or ~/.lockyard)',
    )
    .option(
      '--server <url>',
      "ask a running server's API instead (GET /api/v1/audit); needs a system administrator",
    )
    .option(
      '--username <name>',
      'sign in to --server as this user; the password is read with --password-stdin',
    )
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--token-stdin', "read a bearer token (from the server's /token) from standard input")
    .option(
      '--ca-file <pem...>',
      'CA certificate(s) to trust for --server (e.g. <data-dir>/tls-dev/trust/ca.crt)',
    )
    .option('--json', 'print JSON');
}

/** Calls `GET /api/v1/<path>` of a server; credentials only from standard input (never argv). */
async function serverGet(flags: SourceFlags, context: CliContext, path: string): Promise<unknown> {
  let base: URL;
  try {
    base = new URL('/api/v1/', flags.server);
  } catch {
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `--server: "${(flags.server ?? '').slice(0, 100)}" is not a URL`,
    );
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new ConfigError(
      'INVALID_ARGUMENT',
      `--server: only http and https URLs, not ${base.protocol}`,
    );
  if (flags.passwordStdin && flags.tokenStdin)
    throw new ConfigError('INVALID_ARGUMENT', 'choose one of --password-stdin and --token-stdin');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (flags.passwordStdin || flags.tokenStdin) {
    const secret = ((await readStdin(context)).split(/\r?\n/)[0] ?? '').trim();
    if (secret === '')
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${flags.passwordStdin ? '--password-stdin' : '--token-stdin'}: standard input is empty`,
      );
    if (flags.tokenStdin) headers['authorization'] = `Bearer ${secret}`;
    else {
      if (!flags.username)
        throw new ConfigError('INVALID_ARGUMENT', '--password-stdin needs --username');
      headers['authorization'] =
        `Basic ${Buffer.from(`${flags.username}:${secret}`).toString('base64')}`;
    }
  }
  const ca = (flags.caFile ?? []).map((file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `cannot read --ca-file ${file}: ${describeCause(error)}`,
      );
    }
  });
  const dispatcher: Dispatcher | undefined =
    ca.length > 0 ? new Agent({ connect: { ca } }) : undefined;
  const url = new URL(path, base);
  try {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: 'GET',
        headers,
        ...(dispatcher ? { dispatcher } : {}),
      });
    } catch (error) {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `cannot reach ${base.origin}: ${describeCause(error)}`,
      );
    }
    const text = await response.body.text();
    if (text.length > MAX_BODY)
      throw new ConfigError('INVALID_ARGUMENT', `the answer of ${base.origin} is too large`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${base.origin} answered HTTP ${response.statusCode} with a body that is not JSON: is this a Lockyard server?`,
      );
    }
    if (response.statusCode >= 400) {
      const first = (body as { errors?: { message?: unknown }[] }).errors?.[0]?.message;
      throw new ConfigError(
        'INVALID_ARGUMENT',
        `${base.origin} refused ${url.pathname}: ${typeof first === 'string' ? first.slice(0, 300) : `HTTP ${response.statusCode}`}`,
      );
    }
    return body;
  } finally {
    await dispatcher?.close();
  }
}

function withLocalStore<T>(
  flags: SourceFlags,
  run: (store: ReturnType<typeof openSqliteAuditStore>) => T,
): T {
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
      since: instant(flags.since, now),
      until: instant(flags.until, now),
      limit: flags.limit,
      before: flags.before,
    };
    for (const [key, value] of Object.entries(given)) if (value !== undefined) filters[key] = value;
    // Checked here too, so a bad flag names itself before any connection is made.
    const query = parseAuditQuery(filters);
    const page = flags.server
      ? ((await serverGet(
          flags,
          context,
          `audit?${new URLSearchParams(filters).toString()}`,
        )) as AuditPage)
      : withLocalStore(flags, (store) => queryAudit(store, query));
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
    const result = flags.server
      ? ((await serverGet(flags, context, 'audit/verify')) as VerifyResult)
      : withLocalStore(flags, (store) => verifyAuditChain(store));
    printVerify(context, result, flags.json === true);
  });
  return audit;
}
