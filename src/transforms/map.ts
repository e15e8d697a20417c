/** `map: <JSONata>`: replaces the record value with the expression's result (no match gives null). */
import { z } from 'zod';
import type { TransformPlugin } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import { compileRecordExpression } from './jsonata-expression.ts';
import type { TransformStep } from './transform.ts';

const fields = {
  map: z
    .string()
    .meta({ description: 'Replace the record value with the result of this JSONata expression.' }),
};

export const mapTransform: TransformPlugin<typeof fields> = {
  key: 'map',
  fields,
  compile: (entry) => mapStep(entry.map),
};

function mapStep(source: string): TransformStep {
  const expression = compileRecordExpression(source);
  return {
    label: 'map',
    apply: (record: PipelineRecord) =>
      expression(record).then((value) => {
        record.value = value === undefined ? null : value;
        return record;
      }),
  };
}
