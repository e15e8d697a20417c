/**
 * A platform.yaml being drafted: plain values plus the notes (`# TODO(datapipe import): ...`) saying
 * what could not be inferred, each attached to the field it is about.
 */
export type DraftPath = ReadonlyArray<string | number>;

export interface Todo {
  readonly path: DraftPath;
  readonly text: string;
}

export class Notes {
  readonly todos: Todo[] = [];

  todo(path: DraftPath, text: string): void {
    if (!this.todos.some((t) => t.text === text && samePath(t.path, path))) this.todos.push({ path, text });
  }
}

function samePath(a: DraftPath, b: DraftPath): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A DNS-1123 label as platform.yaml wants names: lower case, `-`, at most 40 characters. */
export function dnsLabel(value: string, fallback = 'unnamed'): string {
  const label = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 40)
    .replace(/-+$/, '');
  return label || fallback;
}

export function bucketName(value: string): string | undefined {
  const name = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name) ? name : undefined;
}
