import { Command, Option } from 'commander';
import type { RobotAction } from '../../../store/index.js';
import { ROBOT_ACTION_CHOICES } from './choices.js';
import type { CliContext } from '../../context.js';
import { parseDurationHours } from '../../parse-duration.js';
import {
  segment,
  addConnectionOptions,
  withConnection,
  type ConnectionFlags,
  AdminClientError,
} from '../../server-api/index.js';
import { field, items, printJson, printTable } from './print.js';

interface RobotFlags extends ConnectionFlags {
  readonly actions: string;
  readonly description?: string;
  readonly expiresIn?: string;
}

function parseActions(text: string): RobotAction[] {
  const actions = text.split(',').map((action) => action.trim());
  const bad = actions.find(
    (action) => !(ROBOT_ACTION_CHOICES as readonly string[]).includes(action),
  );
  if (bad !== undefined)
    throw new AdminClientError(
      'INVALID_ARGUMENT',
      `--actions: unknown action "${bad.slice(0, 20)}" (use ${ROBOT_ACTION_CHOICES.join(', ')})`,
    );
  return actions as RobotAction[];
}

export function robotCommand(context: CliContext): Command {
  const robot = new Command('robot').description(
    "Manage a project's robot accounts (project admins)",
  );

  addConnectionOptions(
    robot
      .command('create')
      .argument('<project>')
      .argument('<name>', 'short name; the account is robot$<project>+<name>')
      .description('Create a robot account and print its secret (shown once)'),
  )
    .addOption(
      new Option(
        '--actions <list>',
        `comma-separated: ${ROBOT_ACTION_CHOICES.join(', ')}`,
      ).makeOptionMandatory(),
    )
    .option('--description <text>', 'what the robot is for')
    .option('--expires-in <duration>', 'lifetime, e.g. 30d, 12h, 2w (default: never expires)')
    .action(async (project: string, name: string, flags: RobotFlags) => {
      const actions = parseActions(flags.actions);
      const expiresInSeconds =
        flags.expiresIn === undefined
          ? undefined
          : Math.round(parseDurationHours(flags.expiresIn, '--expires-in') * 3600);
      if (expiresInSeconds === 0)
        throw new AdminClientError('INVALID_ARGUMENT', '--expires-in must be longer than zero');
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call('POST', `projects/${segment(project)}/robots`, {
          name,
          actions,
          ...(flags.description === undefined ? {} : { description: flags.description }),
          ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
        });
        if (connection.json) {
          printJson(context, answer);
          return;
        }
        const expires = field(answer, 'expiresAt');
        context.stdout.write(
          `robot account: ${field(answer, 'name')}\nsecret: ${field(answer, 'secret')}\n` +
            `actions: ${field(answer, 'actions')}; expires: ${expires === '-' ? 'never' : expires}\n` +
            '(the secret is shown once: it is stored only as a hash)\n',
        );
      });
    });

  addConnectionOptions(
    robot
      .command('list')
      .argument('<project>')
      .description('List robot accounts (never their secrets)'),
  ).action(async (project: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      const answer = await connection.client.call('GET', `projects/${segment(project)}/robots`);
      if (connection.json) {
        printJson(context, answer);
        return;
      }
      printTable(
        context,
        ['NAME', 'ACTIONS', 'STATE', 'EXPIRES', 'DESCRIPTION'],
        items(answer, 'robots').map((entry) => [
          field(entry, 'name'),
          field(entry, 'actions'),
          field(entry, 'state'),
          field(entry, 'expiresAt'),
          field(entry, 'description'),
        ]),
      );
    });
  });

  addConnectionOptions(
    robot
      .command('revoke')
      .argument('<project>')
      .argument('<name>', 'short or full (robot$…) name')
      .description('Revoke a robot account at once'),
  ).action(async (project: string, name: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      const answer = await connection.client.call(
        'DELETE',
        `projects/${segment(project)}/robots/${segment(name)}`,
      );
      if (connection.json) printJson(context, answer);
      else context.stdout.write(`robot account ${field(answer, 'name')} revoked\n`);
    });
  });
  return robot;
}

export function tagRuleCommand(context: CliContext): Command {
  const rule = new Command('tag-rule').description(
    "Manage a project's immutable-tag rules (maintainers)",
  );

  addConnectionOptions(
    rule
      .command('add')
      .argument('<project>')
      .argument('<pattern>', 'tag glob: * any run, ? one character, e.g. v*')
      .description('Make matching tags immutable'),
  ).action(async (project: string, pattern: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      const answer = await connection.client.call(
        'POST',
        `projects/${segment(project)}/immutable-tags`,
        { pattern },
      );
      if (connection.json) printJson(context, answer);
      else
        context.stdout.write(
          `rule ${field(answer, 'id')}: tags matching ${field(answer, 'pattern')} in project ${project} are immutable\n`,
        );
    });
  });

  addConnectionOptions(
    rule.command('list').argument('<project>').description('List immutable-tag rules'),
  ).action(async (project: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      const answer = await connection.client.call(
        'GET',
        `projects/${segment(project)}/immutable-tags`,
      );
      if (connection.json) {
        printJson(context, answer);
        return;
      }
      printTable(
        context,
        ['ID', 'PATTERN', 'CREATED-BY'],
        items(answer, 'rules').map((entry) => [
          field(entry, 'id'),
          field(entry, 'pattern'),
          field(entry, 'createdBy'),
        ]),
      );
    });
  });

  addConnectionOptions(
    rule
      .command('remove')
      .argument('<project>')
      .argument('<id>', 'the rule id (see tag-rule list)')
      .description('Remove an immutable-tag rule'),
  ).action(async (project: string, id: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      await connection.client.call(
        'DELETE',
        `projects/${segment(project)}/immutable-tags/${segment(id)}`,
      );
      if (!connection.json) context.stdout.write(`rule ${id} removed from project ${project}\n`);
    });
  });
  return rule;
}
