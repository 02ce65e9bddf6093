import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { memberCommand, projectCommand } from './project-commands.js';
import { robotCommand, tagRuleCommand } from './robot-commands.js';
import { userCommand } from './user-commands.js';

/** `lockyard registry user|project|member|robot|tag-rule …`: the admin API of a running server. */
export function addRegistryAdminCommands(registry: Command, context: CliContext): void {
  for (const build of [userCommand, projectCommand, memberCommand, robotCommand, tagRuleCommand])
    registry.addCommand(build(context));
}
