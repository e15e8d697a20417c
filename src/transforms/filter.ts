/** `filter: <JSONata>`: keeps a record only when the expression is true for it. */
import type { PipelineRecord } from '../core/record.ts';
import { compileRecordExpression, isTrue } from './jsonata-expression.ts';
import type { TransformStep } from './transform.ts';

export function filterStep(source: string): TransformStep {
  const expression = compileRecordExpression(source);
  return {
    label: 'filter',
    apply: (record: PipelineRecord) => expression(record).then((v) => (isTrue(v) ? record : null)),
  };
}
