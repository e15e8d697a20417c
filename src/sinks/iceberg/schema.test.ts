import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTransform, partitionPath } from './partitioning.ts';
import { conflictsWithin, evolve, type IcebergSchema, misfit, schemaFromColumns } from './schema.ts';

const base: IcebergSchema = schemaFromColumns([
  ['id', 'string'],
  ['amount', 'long'],
]);

test('a new field becomes an optional column with the next field id and a new schema id', () => {
  const { schema, added, lastColumnId } = evolve(base, 2, [
    { id: 'a', amount: 1, note: 'x', score: 1 },
    { score: 1.5 },
  ]);
  assert.deepEqual(added, [
    { id: 3, name: 'note', required: false, type: 'string' },
    // an integer first, a fraction later: double holds both
    { id: 4, name: 'score', required: false, type: 'double' },
  ]);
  assert.equal(lastColumnId, 4);
  assert.equal(schema['schema-id'], 1);
  assert.deepEqual(
    schema.fields.map((f) => f.name),
    ['id', 'amount', 'note', 'score'],
  );
});

test('ids continue from the table last-column-id, not from the current schema (dropped columns keep their ids)', () => {
  const { added } = evolve(base, 9, [{ extra: true }]);
  assert.deepEqual(added, [{ id: 10, name: 'extra', required: false, type: 'boolean' }]);
});

test('known fields and no fields leave the schema as it is', () => {
  const same = evolve(base, 2, [{ id: 'a' }, { amount: 3 }]);
  assert.equal(same.schema, base);
  assert.equal(same.added.length, 0);
});

test('a field seen only as null becomes a string column', () => {
  assert.equal(evolve(base, 2, [{ maybe: null }]).added[0]?.type, 'string');
});

test('a value that does not fit its column is a conflict naming the field, the value kind and the column type', () => {
  const problems = conflictsWithin(
    [{ id: 'a', amount: 5 }, { id: 'b', amount: 'five' }, { id: 'c', amount: 1.5 }, { id: 7 }],
    base,
  );
  assert.deepEqual([...problems.keys()], [1, 2, 3]);
  assert.equal(problems.get(1), 'field "amount" is a string; the table column "amount" is long');
  assert.equal(problems.get(2), 'field "amount" is 1.5, not an integer; the table column "amount" is long');
  assert.equal(problems.get(3), 'field "id" is a number; the table column "id" is string');
});

test('type rules: int range, double takes integers, string takes JSON objects, timestamptz takes ms or ISO text', () => {
  assert.equal(misfit(2 ** 31 - 1, 'int'), undefined);
  assert.match(misfit(2 ** 31, 'int') ?? '', /not a 32-bit integer/);
  assert.equal(misfit(3, 'double'), undefined);
  assert.equal(misfit({ a: 1 }, 'string'), undefined);
  assert.equal(misfit(1767225600000, 'timestamptz'), undefined);
  assert.equal(misfit('2026-01-01T00:00:00Z', 'timestamptz'), undefined);
  assert.match(misfit('yesterday', 'timestamptz') ?? '', /not a time/);
  assert.equal(misfit(null, 'long'), undefined);
});

test('partition transforms follow the Iceberg spec (worked by hand from epoch arithmetic)', () => {
  // 1970..2025: 56 years, 14 of them leap (1972..2024) -> 56*365+14 = 20,454 days to 2026-01-01;
  // + 304 days of January..October + 26 -> 2026-11-27 is day 20,784; 13:45 is in hour 13 of it.
  const t = Date.parse('2026-11-27T13:45:00Z');
  assert.equal(applyTransform('day', t), 20784);
  assert.equal(applyTransform('hour', t), 20784 * 24 + 13);
  assert.equal(applyTransform('month', t), (2026 - 1970) * 12 + 10);
  assert.equal(applyTransform('year', t), 56);
  assert.equal(applyTransform('day', '2026-11-27T13:45:00Z'), 20784);
  assert.equal(applyTransform('identity', 'eu'), 'eu');
  assert.equal(applyTransform('day', null), null);
  const fields = [
    { name: 'ts_day', transform: 'day', 'source-id': 1, 'field-id': 1000, resultType: 'date' },
    { name: 'ts_hour', transform: 'hour', 'source-id': 1, 'field-id': 1001, resultType: 'int' },
  ];
  assert.equal(partitionPath(fields, [20784, 20784 * 24 + 13]), 'ts_day=2026-11-27/ts_hour=2026-11-27-13');
});
