/**
 * Terraform JSON (`*.tf.json`, also read by OpenTofu): a document is plain data, so we build it as
 * data and merge the parts each category contributes. https://developer.hashicorp.com/terraform/language/syntax/json
 */
export interface TerraformDoc {
  terraform?: { required_providers: Record<string, { source: string; version: string }> };
  provider?: Record<string, unknown>;
  variable?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  resource?: Record<string, Record<string, unknown>>;
  output?: Record<string, Record<string, unknown>>;
}

type Block = 'data' | 'resource';

export class TerraformBuilder {
  readonly doc: TerraformDoc = {};

  resource(type: string, name: string, body: Record<string, unknown>): string {
    this.add('resource', type, name, body);
    return `${type}.${name}`;
  }

  data(type: string, name: string, body: Record<string, unknown>): string {
    this.add('data', type, name, body);
    return `data.${type}.${name}`;
  }

  output(name: string, value: string, description: string): void {
    this.doc.output ??= {};
    this.doc.output[name] = { value, description };
  }

  private add(block: Block, type: string, name: string, body: Record<string, unknown>): void {
    this.doc[block] ??= {};
    const blocks = this.doc[block];
    blocks[type] ??= {};
    const ofType = blocks[type];
    if (name in ofType) throw new Error(`terraform ${block} ${type}.${name} is defined twice`);
    ofType[name] = body;
  }
}

/** A Terraform interpolation `${expr}` (built, so that no string literal looks like a JS template). */
export function tfRef(expr: string): string {
  return `$${'{'}${expr}}`;
}

/** A Terraform resource name from anything: letters, digits and underscores. */
export function tfName(...parts: string[]): string {
  return parts.join('_').replace(/[^a-zA-Z0-9_]/g, '_');
}

export function isEmptyDoc(doc: TerraformDoc): boolean {
  return Object.keys(doc).length === 0;
}
