/** `map: <JSONata>`: replaces the record value with the expression's result (no match gives null). */
import type { PipelineRecord } from '../core/record.ts';
import { compileRecordExpression } from './jsonata-expression.ts';
import type { TransformStep } from './transform.ts';

export function mapStep(source: string): TransformStep {
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
