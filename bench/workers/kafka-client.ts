/**
 * The limit: the @platformatic/kafka consumer alone, reading a topic and discarding every record
 * (no decoding, no work), committing as a consumer group member would. Runs as its own process so
 * its memory is measured alone.
 *
 *   node bench/workers/kafka-client.ts --brokers H:P --topic T --group G --records N [--warmup W]
 */
import { consumeLoop, workerArgs } from './consume-loop.ts';

await consumeLoop(workerArgs(), null);
