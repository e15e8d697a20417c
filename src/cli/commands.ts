/**
 * Every CLI command, one file each; adding a command is one file and one line here. The commands that
 * know targets receive the registry from here (the built-in targets).
 */
import type { Command } from 'commander';
import { registerAudit } from './audit.ts';
import { registerCheck } from './check.ts';
import { registerDlq } from './dlq.ts';
import { registerImport } from './import.ts';
import { registerPlan } from './plan.ts';
import { platformTargets } from './plugins.ts';
import { registerRender } from './render.ts';
import { registerRun } from './run.ts';
import { registerSchema } from './schema.ts';
import { registerTest } from './test.ts';
import { registerTop } from './top.ts';
import { registerValidate } from './validate.ts';
import { registerVersion } from './version-command.ts';

export const commands: ReadonlyArray<(program: Command) => void> = [
  registerValidate,
  registerCheck,
  registerRun,
  registerTest,
  registerTop,
  registerSchema,
  registerVersion,
  (program) => registerAudit(program, platformTargets),
  (program) => registerImport(program, platformTargets),
  (program) => registerPlan(program, platformTargets),
  (program) => registerRender(program, platformTargets),
  registerDlq,
];
