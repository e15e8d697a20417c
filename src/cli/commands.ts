/** Every CLI command, one file each; adding a command is one file and one line here. */
import type { Command } from 'commander';
import { registerSchema } from './schema.ts';
import { registerValidate } from './validate.ts';
import { registerVersion } from './version-command.ts';

export const commands: ReadonlyArray<(program: Command) => void> = [
  registerValidate,
  registerSchema,
  registerVersion,
];
