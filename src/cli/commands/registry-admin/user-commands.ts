import { Command } from 'commander';
import type { CliContext } from '../../context.js';
import {
  segment,
  addConnectionOptions,
  newPassword,
  withConnection,
  type ConnectionFlags,
} from '../../server-api/index.js';
import { field, printJson, printList } from './print.js';

interface NewPasswordFlags extends ConnectionFlags {
  readonly newPasswordStdin?: boolean;
  readonly admin?: boolean;
}

function printPassword(context: CliContext, name: string, password: string): void {
  context.stdout.write(
    `password for ${name}: ${password}\n(shown once: it is stored only as a hash)\n`,
  );
}

export function userCommand(context: CliContext): Command {
  const user = new Command('user').description(
    'Manage the users of a running Lockyard server (system administrators)',
  );

  addConnectionOptions(
    user
      .command('add')
      .argument('<name>', 'the new user')
      .description('Create a user (a password is generated unless --new-password-stdin)'),
  )
    .option('--admin', 'make the user a system administrator')
    .option(
      '--new-password-stdin',
      "read the new user's password from standard input (after your own with --password-stdin)",
    )
    .action(async (name: string, flags: NewPasswordFlags) => {
      await withConnection(
        flags,
        context,
        async (connection) => {
          const { password, generated } = newPassword(connection, flags.newPasswordStdin === true);
          const created = await connection.client.call('POST', 'users', {
            name,
            password,
            admin: flags.admin === true,
          });
          if (connection.json) printJson(context, created);
          else
            context.stdout.write(
              `user ${field(created, 'name')} created${field(created, 'admin') === 'true' ? ' (system administrator)' : ''}\n`,
            );
          if (generated) printPassword(context, name, password);
        },
        flags.newPasswordStdin,
      );
    });

  addConnectionOptions(user.command('list').description('List users')).action(
    async (flags: ConnectionFlags) => {
      await withConnection(flags, context, async (connection) => {
        const answer = await connection.client.call('GET', 'users');
        printList(
          context,
          connection.json,
          answer,
          'users',
          ['NAME', 'ADMIN', 'CREATED'],
          (entry) => [field(entry, 'name'), field(entry, 'admin'), field(entry, 'createdAt')],
        );
      });
    },
  );

  addConnectionOptions(
    user
      .command('passwd')
      .argument('<name>', 'the user')
      .description(
        "Change a password: your own (your current one is the --password-stdin line) or, as a system administrator, anyone's",
      ),
  )
    .option(
      '--new-password-stdin',
      'read the new password from standard input (after your own with --password-stdin); otherwise one is generated',
    )
    .action(async (name: string, flags: NewPasswordFlags) => {
      await withConnection(
        flags,
        context,
        async (connection) => {
          const { password, generated } = newPassword(connection, flags.newPasswordStdin === true);
          const self =
            connection.credentials.kind === 'basic' && connection.credentials.username === name;
          const body =
            self && connection.credentials.kind === 'basic'
              ? { password, currentPassword: connection.credentials.password }
              : { password };
          const answer = await connection.client.call(
            'PUT',
            `users/${segment(name)}/password`,
            body,
          );
          if (connection.json) printJson(context, answer);
          else
            context.stdout.write(
              `password of ${name} changed; its earlier tokens no longer work\n`,
            );
          if (generated) printPassword(context, name, password);
        },
        flags.newPasswordStdin,
      );
    });

  addConnectionOptions(
    user
      .command('delete')
      .argument('<name>', 'the user')
      .description('Delete a user and their memberships'),
  ).action(async (name: string, flags: ConnectionFlags) => {
    await withConnection(flags, context, async (connection) => {
      await connection.client.call('DELETE', `users/${segment(name)}`);
      if (!connection.json) context.stdout.write(`user ${name} deleted\n`);
    });
  });
  return user;
}
