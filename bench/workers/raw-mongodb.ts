/**
 * The raw MongoDB driver doing the writes the mongodb sink does with `writeModel: insert` (what the
 * bench configures, see scenarios.ts), fed by the bare Kafka client. The writer is the one of
 * bench/sinks, reused as is: per batch, one unordered bulkWrite of insertOne keyed by
 * `_id = topic:partition:offset`. No retries, no metrics.
 *
 *   node bench/workers/raw-mongodb.ts --brokers ... --topic T --group G --records N --url mongodb://... --collection c
 */
import { mongodbScenario } from '../sinks/contenders.ts';
import { consumeLoop, toPipelineRecords, workerArgs } from './consume-loop.ts';

const args = workerArgs(['url', 'collection']);
const scenario = mongodbScenario(args.extra['url']!, 'bench', 'insert');
const raw = scenario.contenders.find((c) => c.name.startsWith('raw-'))!;
const writer = await raw.setup(args.extra['collection']!);
await consumeLoop(args, (batch) => writer.write(toPipelineRecords(batch)));
await writer.close();
await scenario.dispose();
