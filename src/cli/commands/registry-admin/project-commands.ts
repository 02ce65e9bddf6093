import { Command, Option } from 'commander';
import { PROJECT_ROLE_CHOICES } from './choices.js';
import type { CliContext } from '../../context.js';
import {
  segment,
  addConnectionOptions,
  withConnection,
  type ConnectionFlags,
  AdminClientError,
} from '../../server-api/index.js';
import { field, items, printJson, printList, printTable } from './print.js';

interface ProjectFlags extends ConnectionFlags {
  readonly anonymousPull?: boolean;
}

interface MemberFlags extends ConnectionFlags {
  readonly role: string;
}

function printProjects(context: CliContext, answer: unknown): void {
  printTable(
    context,
    ['NAME', 'ANONYMOUS-PULL', 'YOUR-ROLE', 'CREATED-BY'],
    items(answer, 'projects').map((entry) => [
      field(entry, 'name'),
      field(entry, 'anonymousPull'),
      field(entry, 'role') || '-',
      field(entry, 'createdBy'),
    ]),
  );
}

export function projectCommand(context: CliContext): Command {
  const project = new Command('project').description(
    'Manage projects: the first path component of repository names',
  );

  addConnectionOptions(
    project
      .command('create')
      .argument('<name>', 'the project')
      .description('Create a project (system administrators)'),
  )
    .option('--anonymous-pull', 'let anyone pull without signing in')
    .action(async (name: string, flags: ProjectFlags) => {
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call('POST', 'projects', {
          name,
          anonymousPull: flags.anonymousPull === true,
        });
        if (connection.json) printJson(context, answer);
        else
          context.stdout.write(
            `project ${field(answer, 'name')} created${field(answer, 'anonymousPull') === 'true' ? ' (anonymous pull)' : ''}\n`,
          );
      });
    });

  addConnectionOptions(project.command('list').description('List the projects you can see')).action(
    async (flags: ConnectionFlags) => {
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call('GET', 'projects');
        if (connection.json) printJson(context, answer);
        else printProjects(context, answer);
      });
    },
  );

  addConnectionOptions(
    project
      .command('set')
      .argument('<name>', 'the project')
      .description("Change a project's settings (project admins)"),
  )
    .option('--anonymous-pull', 'let anyone pull without signing in')
    .option('--no-anonymous-pull', 'require sign-in to pull')
    .action(async (name: string, flags: ProjectFlags) => {
      if (flags.anonymousPull === undefined)
        throw new AdminClientError(
          'INVALID_ARGUMENT',
          'project set: give --anonymous-pull or --no-anonymous-pull',
        );
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call('PATCH', `projects/${segment(name)}`, {
          anonymousPull: flags.anonymousPull,
        });
        if (connection.json) printJson(context, answer);
        else
          context.stdout.write(
            `project ${name}: anonymous pull ${field(answer, 'anonymousPull') === 'true' ? 'on' : 'off'}\n`,
          );
      });
    });

  addConnectionOptions(
    project
      .command('delete')
      .argument('<name>', 'the project')
      .description('Delete a project without repositories (system administrators)'),
  ).action(async (name: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      await connection.client.call('DELETE', `projects/${segment(name)}`);
      if (!connection.json) context.stdout.write(`project ${name} deleted\n`);
    });
  });
  return project;
}

export function memberCommand(context: CliContext): Command {
  const member = new Command('member').description(
    "Manage a project's members and their roles (project admins)",
  );

  addConnectionOptions(
    member
      .command('add')
      .argument('<project>')
      .argument('<user>')
      .description("Add a member, or change a member's role"),
  )
    .addOption(
      new Option('--role <role>', 'the role in the project')
        .choices(PROJECT_ROLE_CHOICES)
        .makeOptionMandatory(),
    )
    .action(async (project: string, user: string, flags: MemberFlags) => {
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call(
          'PUT',
          `projects/${segment(project)}/members/${segment(user)}`,
          { role: flags.role },
        );
        if (connection.json) printJson(context, answer);
        else context.stdout.write(`${user} is ${field(answer, 'role')} of project ${project}\n`);
      });
    });

  addConnectionOptions(
    member
      .command('remove')
      .argument('<project>')
      .argument('<user>')
      .description('Remove a member'),
  ).action(async (project: string, user: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      await connection.client.call(
        'DELETE',
        `projects/${segment(project)}/members/${segment(user)}`,
      );
      if (!connection.json) context.stdout.write(`${user} removed from project ${project}\n`);
    });
  });

  addConnectionOptions(
    member.command('list').argument('<project>').description('List members'),
  ).action(async (project: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      const answer = await connection.client.call('GET', `projects/${segment(project)}/members`);
      printList(context, connection.json, answer, 'members', ['USER', 'ROLE', 'SINCE'], (entry) => [
        field(entry, 'user'),
        field(entry, 'role'),
        field(entry, 'createdAt'),
      ]);
    });
  });
  return member;
}
