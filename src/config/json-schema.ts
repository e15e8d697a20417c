import { z } from 'zod';
import type { PipelinePlugins } from '../core/plugin.ts';
import { pipelineSchema } from './pipeline-schema.ts';

/**
 * A JSON Schema of a config schema as users write it (input side: sizes and durations may be strings).
 * zod leaves out the default of a field whose type transforms its input (our sizes and durations), so
 * it is put back here: the docs must show every default.
 */
function configJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def as { type: string; defaultValue?: unknown };
      if (def.type === 'default' && ctx.jsonSchema.default === undefined) {
        ctx.jsonSchema.default = def.defaultValue as z.core.util.JSONType;
      }
    },
  }) as Record<string, unknown>;
}

/** The JSON Schema of pipeline files, for editors. */
export function pipelineJsonSchema(plugins: PipelinePlugins): Record<string, unknown> {
  return configJsonSchema(pipelineSchema(plugins));
}
