/**
 * Every CLI command, one file each; adding a command is one file and one line here. The commands that
 * know targets receive the registry from here (the built-in targets).
 */
import type { Command } from 'commander';
import { builtinTargets } from '../platform/targets/builtin.ts';
import { registerAudit } from './audit.ts';
import { registerDlq } from './dlq.ts';
import { registerImport } from './import.ts';
import { registerPlan } from './plan.ts';
import { registerRender } from './render.ts';
import { registerRun } from './run.ts';
import { registerSchema } from './schema.ts';
import { registerValidate } from './validate.ts';
import { registerVersion } from './version-command.ts';

export const commands: ReadonlyArray<(program: Command) => void> = [
  registerValidate,
  registerRun,
  registerSchema,
  registerVersion,
  (program) => registerAudit(program, builtinTargets),
  (program) => registerImport(program, builtinTargets),
  (program) => registerPlan(program, builtinTargets),
  (program) => registerRender(program, builtinTargets),
  registerDlq,
];
