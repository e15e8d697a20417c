/**
 * The `targets:` block: one block of facts per target, so one platform.yaml renders for every target
 * and `--target` picks one. Each target's facts schema lives in its own module; this assembles them
 * from the registry and holds the few patterns several targets share.
 */
import { z } from 'zod';

/** A target's name; the registry says which exist. */
export type TargetName = string;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const CIDR_OR_RANGE = /^(\d{1,3}\.){3}\d{1,3}(\/\d{1,2}|-(\d{1,3}\.){3}\d{1,3})$/;

export const secretKeyRef = z.strictObject({
  name: z.string().min(1).meta({ description: 'Name of a Secret you create (never rendered).' }),
  key: z.string().min(1).meta({ description: 'Key inside that Secret.' }),
});

/** What the `targets:` block needs of the registry (a TargetRegistry is one): each target's facts schema. */
export interface TargetFactsSchemas {
  readonly names: readonly string[];
  readonly list: readonly { readonly name: string; readonly facts: z.ZodType }[];
}

/** The type every `targets:` block has, whatever targets are registered. */
export const targetsBaseSchema = z.object({ default: z.string().optional() }).catchall(z.unknown());

export function targetsSchema(targets: TargetFactsSchemas): typeof targetsBaseSchema {
  const [first, ...rest] = targets.names;
  if (first === undefined) throw new Error('no targets registered');
  const schema = z
    .strictObject({
      default: z
        .enum([first, ...rest])
        .optional()
        .meta({ description: 'Target used when --target is not given.' }),
      ...Object.fromEntries(targets.list.map((t) => [t.name, t.facts.optional()])),
    })
    .meta({ description: 'One block of facts per target this platform can be rendered for.' });
  return schema as unknown as typeof targetsBaseSchema;
}
