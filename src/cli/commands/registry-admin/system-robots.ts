import type { RobotAction } from '../../../store/index.js';
import type { CliContext } from '../../context.js';
import { parseDurationHours } from '../../parse-duration.js';
import { AdminClientError, segment, type Connection } from '../../server-api/index.js';
import { ROBOT_ACTION_CHOICES } from './choices.js';
import { field, items, printCreatedRobot, printJson, printList } from './print.js';

export interface Grant {
  readonly project: string;
  readonly actions: RobotAction[];
}

// PROJECT:ACTIONS, the project a name or "*" (every project); the server checks the name itself.
const GRANT = /^(?<project>[^:\s]+):(?<actions>[^:\s]+)$/;

/** Checks one comma-separated action list; `flag` names where it came from in the error. */
export function parseActions(text: string, flag: string): RobotAction[] {
  const actions = text.split(',').map((action) => action.trim());
  const bad = actions.find(
    (action) => !(ROBOT_ACTION_CHOICES as readonly string[]).includes(action),
  );
  if (bad !== undefined)
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      `${flag}: unknown action "${bad.slice(0, 20)}" (use ${ROBOT_ACTION_CHOICES.join(', ')})`,
    );
  return actions as RobotAction[];
}

/** Repeatable `--grant` values, collected as given (checked in the action, for a one-line error). */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** `--grant team:pull,push` values as grants. */
export function parseGrants(values: readonly string[]): Grant[] {
  return values.map((value) => {
    const groups = GRANT.exec(value)?.groups;
    const project = groups?.['project'];
    const actions = groups?.['actions'];
    if (project === undefined || actions === undefined)
      throw new AdminClientError(
        'INVALID_ARGUMENT',
        `--grant "${value.slice(0, 80)}": expected PROJECT:ACTIONS, e.g. team:pull,push or '*:pull'`,
      );
    return { project, actions: parseActions(actions, `--grant ${project}`) };
  });
}

/** Seconds from `--expires-in 30d` or `--expires-in-days 30` (not both); undefined: never. */
export function lifetimeSeconds(
  expiresIn: string | undefined,
  expiresInDays: string | undefined,
): number | undefined {
  if (expiresIn !== undefined && expiresInDays !== undefined)
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      'give --expires-in or --expires-in-days, not both',
    );
  if (expiresInDays !== undefined) {
    if (!/^\d{1,4}$/.test(expiresInDays) || Number(expiresInDays) === 0)
      throw new AdminClientError(
        'INVALID_ARGUMENT',
        `--expires-in-days "${expiresInDays.slice(0, 20)}": expected a whole number of days, 1 to 3650`,
      );
    return Number(expiresInDays) * 24 * 3600;
  }
  if (expiresIn === undefined) return undefined;
  const seconds = Math.round(parseDurationHours(expiresIn, '--expires-in') * 3600);
  if (seconds === 0)
    throw new AdminClientError('INVALID_ARGUMENT', '--expires-in must be longer than zero');
  return seconds;
}

function grantsText(value: unknown): string {
  return items(value, 'grants')
    .map((grant) => `${field(grant, 'project')}:${field(grant, 'actions')}`)
    .join(' ');
}

export async function createSystemRobot(
  context: CliContext,
  connection: Connection,
  body: {
    name: string;
    grants: readonly Grant[];
    description: string | undefined;
    expiresInSeconds: number | undefined;
  },
): Promise<void> {
  const answer = await connection.client.call('POST', 'robots', {
    name: body.name,
    grants: body.grants,
    ...(body.description === undefined ? {} : { description: body.description }),
    ...(body.expiresInSeconds === undefined ? {} : { expiresInSeconds: body.expiresInSeconds }),
  });
  if (connection.json) {
    printJson(context, answer);
    return;
  }
  printCreatedRobot(context, answer, `grants: ${grantsText(answer)}`);
}

export async function listSystemRobots(context: CliContext, connection: Connection): Promise<void> {
  const answer = await connection.client.call('GET', 'robots');
  printList(
    context,
    connection.json,
    answer,
    'robots',
    ['NAME', 'GRANTS', 'STATE', 'EXPIRES', 'DESCRIPTION'],
    (entry) => [
      field(entry, 'name'),
      grantsText(entry),
      field(entry, 'state'),
      field(entry, 'expiresAt'),
      field(entry, 'description'),
    ],
  );
}

export async function revokeSystemRobot(
  context: CliContext,
  connection: Connection,
  name: string,
): Promise<void> {
  const answer = await connection.client.call('DELETE', `robots/${segment(name)}`);
  if (connection.json) printJson(context, answer);
  else context.stdout.write(`robot account ${field(answer, 'name')} revoked\n`);
}
