import { Command } from 'commander';
import { ROBOT_ACTION_CHOICES } from './choices.js';
import type { CliContext } from '../../context.js';
import {
  segment,
  addConnectionOptions,
  withConnection,
  type ConnectionFlags,
  AdminClientError,
} from '../../server-api/index.js';
import { field, printCreatedRobot, printJson, printList } from './print.js';
import {
  collect,
  createSystemRobot,
  lifetimeSeconds,
  listSystemRobots,
  parseActions,
  parseGrants,
  revokeSystemRobot,
} from './system-robots.js';

interface CreateFlags extends ConnectionFlags {
  readonly actions?: string;
  readonly system?: string;
  readonly grant?: string[];
  readonly description?: string;
  readonly expiresIn?: string;
  readonly expiresInDays?: string;
}

function invalid(message: string): AdminClientError {
  return new AdminClientError('INVALID_ARGUMENT', message);
}

/** Project robot (PROJECT NAME --actions) or system robot (--system NAME --grant …): not both. */
function checkCreate(
  project: string | undefined,
  name: string | undefined,
  flags: CreateFlags,
): void {
  if (flags.system !== undefined) {
    if (project !== undefined)
      throw invalid('robot create --system NAME takes no PROJECT or NAME argument');
    if (flags.actions !== undefined)
      throw invalid('--actions is for project robots; give a system robot --grant PROJECT:ACTIONS');
    if ((flags.grant ?? []).length === 0)
      throw invalid(
        'a system robot needs at least one --grant PROJECT:ACTIONS (e.g. team:pull,push)',
      );
    return;
  }
  if (project === undefined || name === undefined)
    throw invalid('robot create needs PROJECT and NAME (or --system NAME for a system robot)');
  if ((flags.grant ?? []).length > 0)
    throw invalid('--grant is for system robots (--system NAME); a project robot takes --actions');
  if (flags.actions === undefined)
    throw invalid("required option '--actions <list>' not specified");
}

export function robotCommand(context: CliContext): Command {
  const robot = new Command('robot').description(
    "Manage robot accounts: a project's (project admins), or system robots across projects with --system (system admins)",
  );

  addConnectionOptions(
    robot
      .command('create')
      .argument('[project]', 'the project of a project robot')
      .argument('[name]', 'short name; the account is robot$<project>+<name>')
      .description(
        'Create a robot account and print its secret (shown once): PROJECT NAME --actions LIST, or --system NAME --grant PROJECT:ACTIONS …',
      ),
  )
    .option('--actions <list>', `project robot: comma-separated ${ROBOT_ACTION_CHOICES.join(', ')}`)
    .option('--system <name>', 'create the system robot robot$<name> (system admins)')
    .option(
      '--grant <project:actions>',
      "system robot: a project and its actions, e.g. team:pull,push, or '*:pull' for every project (repeatable)",
      collect,
    )
    .option('--description <text>', 'what the robot is for')
    .option('--expires-in <duration>', 'lifetime, e.g. 30d, 12h, 2w (default: never expires)')
    .option('--expires-in-days <n>', 'lifetime in days (instead of --expires-in)')
    .action(async (project: string | undefined, name: string | undefined, flags: CreateFlags) => {
      checkCreate(project, name, flags);
      const expiresInSeconds = lifetimeSeconds(flags.expiresIn, flags.expiresInDays);
      const system = flags.system;
      if (system !== undefined) {
        const grants = parseGrants(flags.grant ?? []);
        await withConnection(flags, context, (connection) =>
          createSystemRobot(context, connection, {
            name: system,
            grants,
            description: flags.description,
            expiresInSeconds,
          }),
        );
        return;
      }
      const actions = parseActions(flags.actions ?? '', '--actions');
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call(
          'POST',
          `projects/${segment(project ?? '')}/robots`,
          {
            name,
            actions,
            ...(flags.description === undefined ? {} : { description: flags.description }),
            ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
          },
        );
        if (connection.json) {
          printJson(context, answer);
          return;
        }
        printCreatedRobot(context, answer, `actions: ${field(answer, 'actions')}`);
      });
    });

  addConnectionOptions(
    robot
      .command('list')
      .argument('[project]')
      .description(
        "List a project's robot accounts, or with --system the system robots (never secrets)",
      ),
  )
    .option('--system', 'list the system robots (system admins)')
    .action(async (project: string | undefined, flags: ConnectionFlags & { system?: boolean }) => {
      if (flags.system === true && project !== undefined)
        throw invalid('robot list --system takes no PROJECT argument');
      if (flags.system !== true && project === undefined)
        throw invalid('robot list needs PROJECT (or --system for the system robots)');
      await withConnection(flags, context, async (connection) => {
        if (flags.system === true) {
          await listSystemRobots(context, connection);
          return;
        }
        const answer = await connection.client.call(
          'GET',
          `projects/${segment(project ?? '')}/robots`,
        );
        printList(
          context,
          connection.json,
          answer,
          'robots',
          ['NAME', 'ACTIONS', 'STATE', 'EXPIRES', 'DESCRIPTION'],
          (entry) => [
            field(entry, 'name'),
            field(entry, 'actions'),
            field(entry, 'state'),
            field(entry, 'expiresAt'),
            field(entry, 'description'),
          ],
        );
      });
    });

  addConnectionOptions(
    robot
      .command('revoke')
      .argument('[project]')
      .argument('[name]', 'short or full (robot$…) name')
      .description('Revoke a robot account at once: PROJECT NAME, or --system NAME'),
  )
    .option('--system <name>', 'revoke the system robot robot$<name> (short or full name)')
    .action(
      async (
        project: string | undefined,
        name: string | undefined,
        flags: ConnectionFlags & { system?: string },
      ) => {
        const system = flags.system;
        if (system !== undefined && project !== undefined)
          throw invalid('robot revoke --system NAME takes no PROJECT or NAME argument');
        if (system === undefined && (project === undefined || name === undefined))
          throw invalid('robot revoke needs PROJECT and NAME (or --system NAME)');
        await withConnection(flags, context, async (connection) => {
          if (system !== undefined) {
            await revokeSystemRobot(context, connection, system);
            return;
          }
          const answer = await connection.client.call(
            'DELETE',
            `projects/${segment(project ?? '')}/robots/${segment(name ?? '')}`,
          );
          if (connection.json) printJson(context, answer);
          else context.stdout.write(`robot account ${field(answer, 'name')} revoked\n`);
        });
      },
    );
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
      printList(
        context,
        connection.json,
        answer,
        'rules',
        ['ID', 'PATTERN', 'CREATED-BY'],
        (entry) => [field(entry, 'id'), field(entry, 'pattern'), field(entry, 'createdBy')],
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
