/**
 * The raw pg driver doing the writes the postgres sink does, fed by the bare Kafka client. The writer
 * is the one of bench/sinks (plugin-vs-raw without Kafka), reused as is: per batch, one transaction that
 * COPYs the rows into a temp staging table, then `INSERT … SELECT DISTINCT ON … ON CONFLICT DO UPDATE`
 * into a (topic, partition, offset)-keyed table with a jsonb value. No retries, no bisection, no metrics.
 *
 *   node bench/workers/raw-postgres.ts --brokers ... --topic T --group G --records N --url postgres://... --table t
 */
import { postgresScenario } from '../sinks/contenders.ts';
import { consumeLoop, toPipelineRecords, workerArgs } from './consume-loop.ts';

const args = workerArgs(['url', 'table']);
const scenario = postgresScenario(args.extra['url']!);
const raw = scenario.contenders.find((c) => c.name.startsWith('raw-'))!;
const writer = await raw.setup(args.extra['table']!);
await consumeLoop(args, (batch) => writer.write(toPipelineRecords(batch)));
await writer.close();
await scenario.dispose();
