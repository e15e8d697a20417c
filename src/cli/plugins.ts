/**
 * The composition root: every source, sink, object-store driver, transform kind and platform target the
 * product ships is registered here, and only here; the commands pass these registries down
 * (`pipelineSchema(pipelinePlugins)`, `pluginLookup(pipelinePlugins)`, ...). Adding a connector is one
 * file exporting its plugin and one line below. No lower layer imports this file (docs/architecture.md; the layer test enforces it).
 */
import type { PipelinePlugins } from '../core/plugin.ts';
import { aws } from '../platform/targets/aws/index.ts';
import { azure } from '../platform/targets/azure/index.ts';
import { baremetal } from '../platform/targets/baremetal/index.ts';
import { type TargetRegistry, targetRegistry } from '../platform/targets/descriptor.ts';
import { gcp } from '../platform/targets/gcp/index.ts';
import { scaleway } from '../platform/targets/scaleway/index.ts';
import { httpSink } from '../sinks/http/index.ts';
import { icebergSink } from '../sinks/iceberg/index.ts';
import { kafkaSink } from '../sinks/kafka/index.ts';
import { mongodbSink } from '../sinks/mongodb/index.ts';
import { nullSink } from '../sinks/null.ts';
import {
  azureBlobDriver,
  driverRegistry,
  fsDriver,
  gcsDriver,
  s3Driver,
} from '../sinks/object-store/drivers/index.ts';
import { objectStoreSink } from '../sinks/object-store/index.ts';
import { postgresSink } from '../sinks/postgres/index.ts';
import { sqliteSink } from '../sinks/sqlite.ts';
import { stdoutSink } from '../sinks/stdout.ts';
import { fileSource } from '../sources/file.ts';
import { generatorSource } from '../sources/generator.ts';
import { kafkaSource } from '../sources/kafka/index.ts';
import { filterTransform } from '../transforms/filter.ts';
import { mapTransform } from '../transforms/map.ts';
import { moduleTransform } from '../transforms/module.ts';

/**
 * The backends of the `object-store` sink: one module per driver (src/sinks/object-store/drivers/), its
 * entry in drivers/index.ts, and one line here.
 */
export const objectStoreDrivers = driverRegistry([fsDriver, s3Driver, azureBlobDriver, gcsDriver]);

export const pipelinePlugins: PipelinePlugins = {
  sources: [fileSource, generatorSource, kafkaSource],
  sinks: [
    nullSink,
    stdoutSink,
    mongodbSink,
    postgresSink,
    httpSink,
    sqliteSink,
    objectStoreSink(objectStoreDrivers),
    kafkaSink,
    icebergSink(objectStoreDrivers),
  ],
  transforms: [filterTransform, mapTransform, moduleTransform],
};

/**
 * The platform targets `render`, `audit`, `import` and `plan` know: one descriptor module per target
 * (src/platform/targets/<name>/index.ts). Adding a target is its module and one line here.
 */
export const platformTargets: TargetRegistry = targetRegistry([aws, azure, gcp, baremetal, scaleway]);
