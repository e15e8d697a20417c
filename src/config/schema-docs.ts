/**
 * Turns a JSON Schema (as emitted from our zod schemas) into Markdown reference tables, so the
 * configuration reference is generated from the one schema and cannot drift from it.
 */

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

interface Row {
  field: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

/** A variant of a discriminated union: `type: <const>` plus its fields. */
function variantName(schema: JsonSchema): string | undefined {
  const discriminator = schema.properties?.['type'];
  return discriminator && typeof discriminator.const === 'string' ? discriminator.const : undefined;
}

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) {
    const names = union.map(variantName);
    if (names.every((n) => n !== undefined)) return `one of the \`type\`s below`;
    return [...new Set(union.map(typeOf))].join(' \\| ');
  }
  if (schema.type === 'array') return `list of ${schema.items ? typeOf(schema.items) : 'any'}`;
  if (
    schema.type === 'object' &&
    schema.additionalProperties &&
    typeof schema.additionalProperties === 'object'
  ) {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  if (Array.isArray(schema.type)) return schema.type.join(' \\| ');
  return schema.type ?? 'any';
}

function rowsOf(schema: JsonSchema, prefix: string): Row[] {
  const rows: Row[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const field = prefix ? `${prefix}.${name}` : name;
    rows.push({
      field,
      type: typeOf(prop),
      required: required.has(name),
      default: prop.default,
      description: prop.description ?? '',
    });
    if (prop.type === 'object' && prop.properties && !variantName(prop)) rows.push(...rowsOf(prop, field));
  }
  return rows;
}

function table(rows: Row[]): string {
  const escapeCell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = ['| field | type | required | default | description |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const def = r.default === undefined ? '' : `\`${JSON.stringify(r.default)}\``;
    lines.push(
      `| \`${r.field}\` | ${r.type} | ${r.required ? 'yes' : ''} | ${escapeCell(def)} | ${escapeCell(r.description)} |`,
    );
  }
  return lines.join('\n');
}

export interface UnionDocs {
  /** The top-level field holding the union (or a list of it). */
  readonly field: string;
  readonly heading: string;
  /** Fields every variant shares: documented once, not in each variant's table. */
  readonly common?: readonly string[];
}

function unionVariants(schema: JsonSchema, field: string): JsonSchema[] {
  let prop = schema.properties?.[field];
  if (prop?.type === 'array' && prop.items) prop = prop.items;
  return prop?.oneOf ?? prop?.anyOf ?? [];
}

/** The default most variants give a shared field: the one its shared row shows. */
function sharedDefaults(variants: readonly JsonSchema[], common: ReadonlySet<string>): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const v of variants) {
    for (const r of rowsOf(v, '').filter((row) => common.has(row.field.split('.')[0] ?? ''))) {
      const byDefault = counts.get(r.field) ?? new Map<string, number>();
      const key = JSON.stringify(r.default) ?? '';
      byDefault.set(key, (byDefault.get(key) ?? 0) + 1);
      counts.set(r.field, byDefault);
    }
  }
  return new Map(
    [...counts].map(([field, byDefault]) => [
      field,
      [...byDefault].reduce((best, next) => (next[1] > best[1] ? next : best))[0],
    ]),
  );
}

/**
 * A section for the shared fields, then one per variant of the union found at `field`; a variant's own
 * default of a shared field (a sink's `batchDefaults`) is listed in its section.
 */
function variantSections(schema: JsonSchema, docs: UnionDocs): string[] {
  const variants = unionVariants(schema, docs.field);
  const common = new Set(['type', ...(docs.common ?? [])]);
  const isCommon = (r: Row) => common.has(r.field.split('.')[0] ?? '');
  const shared = sharedDefaults(variants, common);
  const isShared = (r: Row) => shared.get(r.field) === (JSON.stringify(r.default) ?? '');
  const out: string[] = [];
  const first = variants[0];
  if (first && docs.common && docs.common.length > 0) {
    const rows = rowsOf(first, '')
      .filter((r) => docs.common?.includes(r.field.split('.')[0] ?? ''))
      .map((r) => {
        const def = shared.get(r.field);
        return { ...r, default: def ? JSON.parse(def) : undefined };
      });
    out.push(`### Fields of every ${docs.heading.toLowerCase()}

${table(rows)}`);
  }
  for (const v of variants) {
    const name = variantName(v);
    if (!name) continue;
    const description = v.properties?.['type']?.description ?? '';
    const rows = rowsOf(v, '').filter((r) => !isCommon(r) || (r.field !== 'type' && !isShared(r)));
    out.push(
      `### ${docs.heading} \`${name}\`\n\n${description}\n\n${rows.length > 0 ? table(rows) : 'No other fields.'}`,
    );
  }
  return out;
}

/** One row per alternative shape of a list item (e.g. the transforms: `filter`, `map`, `module`). */
function alternativesSection(schema: JsonSchema, field: string, heading: string): string {
  const rows = unionVariants(schema, field).flatMap((v) => rowsOf(v, ''));
  return `### ${heading}\n\nEach entry of \`${field}\` has one of these forms.\n\n${table(rows)}`;
}

export function renderSchemaDocs(
  schema: JsonSchema,
  options: { unions: readonly UnionDocs[]; alternatives?: ReadonlyArray<[string, string]> },
): string {
  const parts = [`## Top level\n\n${schema.description ?? ''}\n\n${table(rowsOf(schema, ''))}`];
  for (const [field, heading] of options.alternatives ?? [])
    parts.push(alternativesSection(schema, field, heading));
  for (const docs of options.unions) parts.push(...variantSections(schema, docs));
  return parts.join('\n\n');
}
