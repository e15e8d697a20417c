/**
 * Loads a YAML config file through a zod schema: parse with positions → resolve `${...}` references →
 * validate. Every problem becomes a ConfigError at file:line:column with the field path.
 */
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError, ConfigErrors, formatFieldPath } from './config-error.ts';
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

function validateYaml<S extends z.ZodType>(
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
  throw new ConfigErrors(result.error.issues.flatMap((issue) => toConfigErrors(yaml, issue)));
}

function toConfigErrors(yaml: YamlFile, issue: z.core.$ZodIssue): ConfigError[] {
  const path = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(
      (key) => new ConfigError(yaml.locate(path, { key }), formatFieldPath([...path, key]), 'unknown field'),
    );
  }
  return [new ConfigError(yaml.locate(path), formatFieldPath(path), describeIssue(issue))];
}

/** zod's messages, made to read well for a config file. Values are never echoed: they may be secrets. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `required field is missing (${issue.expected})`;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    return `unknown value for "${String(issue.discriminator ?? 'type')}"; ${issue.message}`;
  }
  return issue.message;
}
