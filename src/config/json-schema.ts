import { z } from 'zod';
import { pipelineSchema } from './pipeline-schema.ts';

/** The JSON Schema of pipeline files, as written by users (input side: units as strings are allowed). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineSchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
}
