/**
 * A user's mistake in a config file. It prints as one line, `file:line:col: field.path: message`,
 * which editors and CI annotators understand, and the CLI prints it without a stack trace.
 */
export interface ConfigLocation {
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  readonly column: number;
}

export class ConfigError extends Error {
  readonly code = 'DP_CONFIG_INVALID';
  readonly location: ConfigLocation;
  /** The dotted field path, e.g. `sinks[1].batch.maxRecords`; empty for the whole file. */
  readonly field: string;
  readonly reason: string;

  constructor(location: ConfigLocation, field: string, reason: string) {
    super(formatConfigProblem(location, field, reason));
    this.name = 'ConfigError';
    this.location = location;
    this.field = field;
    this.reason = reason;
  }
}

/** Several problems found at once; its message lists each on its own line. */
export class ConfigErrors extends Error {
  readonly code = 'DP_CONFIG_INVALID';
  readonly problems: readonly ConfigError[];
  constructor(problems: readonly ConfigError[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ConfigErrors';
    this.problems = problems;
  }
}

function formatConfigProblem(location: ConfigLocation, field: string, reason: string): string {
  const where = location.line > 0 ? `${location.file}:${location.line}:${location.column}` : location.file;
  return field ? `${where}: ${field}: ${reason}` : `${where}: ${reason}`;
}

export function formatFieldPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}
