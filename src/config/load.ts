/**
 * Loads a YAML config file through a zod schema: parse with positions → resolve `${...}` references →
 * validate. Every problem becomes a ConfigError at file:line:column with the field path.
 */
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, ConfigErrors, formatFieldPath } from './config-error.ts';
import { describeIssue, describeUnknownField, type IssueInputs } from './issue-text.ts';
import { resolveReferences, UnresolvedReferenceError } from './references.ts';
import { readYamlFile, type YamlFile } from './yaml-file.ts';

export interface LoadedConfig<T> {
  readonly file: string;
  readonly baseDir: string;
  readonly config: T;
  /** For semantic checks after validation, to report at the right line. */
  readonly yaml: YamlFile;
}

export function loadConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig<z.output<S>> {
  const yaml = readYamlFile(file);
  const baseDir = dirname(resolve(file));
  return { file, baseDir, yaml, config: validateYaml(yaml, schema, env, baseDir) };
}

export function validateYaml<S extends z.ZodType>(
  yaml: YamlFile,
  schema: S,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): z.output<S> {
  let resolved: unknown;
  try {
    resolved = resolveReferences(yaml.data, { env, baseDir });
  } catch (err) {
    if (err instanceof UnresolvedReferenceError) {
      throw new ConfigError(yaml.locate(err.path), formatFieldPath(err.path), err.message);
    }
    throw err;
  }
  const result = schema.safeParse(resolved);
  if (result.success) return result.data;
  const inputs: IssueInputs = { resolved, raw: yaml.data, schema };
  throw new ConfigErrors(result.error.issues.flatMap((issue) => toConfigErrors(yaml, issue, inputs)));
}

function toConfigErrors(yaml: YamlFile, issue: z.core.$ZodIssue, inputs: IssueInputs): ConfigError[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) =>
        new ConfigError(
          yaml.locate(path, { key }),
          formatFieldPath([...path, key]),
          describeUnknownField(key, path, inputs),
        ),
    );
  }
  return [new ConfigError(yaml.locate(path), formatFieldPath(path), describeIssue(issue, inputs))];
}
