/** `filter: <JSONata>`: keeps a record only when the expression is true for it. */
import { z } from 'zod';
import type { TransformPlugin } from '../core/plugin.ts';
import type { PipelineRecord } from '../core/record.ts';
import { compileRecordExpression, isTrue } from './jsonata-expression.ts';
import type { TransformStep } from './transform.ts';

const fields = {
  filter: z.string().meta({ description: 'Keep the record only when this JSONata expression is true.' }),
};

export const filterTransform: TransformPlugin<typeof fields> = {
  key: 'filter',
  fields,
  compile: (entry) => filterStep(entry.filter),
};

function filterStep(source: string): TransformStep {
  const expression = compileRecordExpression(source);
  return {
    label: 'filter',
    apply: (record: PipelineRecord) => expression(record).then((v) => (isTrue(v) ? record : null)),
  };
}
