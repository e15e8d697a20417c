/** The options of the `mongodb` sink: the single source of its validation, types and docs. */
import { z } from 'zod';
import { duration } from '../../config/units.ts';
import { FatalError } from '../../core/errors.ts';
import type { OptionsProblem } from '../../core/plugin.ts';
import { compileRecordPath } from '../shared/record-path.ts';

function isKeyPath(path: string): boolean {
  try {
    const kind = compileRecordPath(path).kind;
    return kind === 'key' || kind === 'position' || kind === 'field';
  } catch {
    return false;
  }
}

export const mongodbOptions = z.object({
  uri: z
    .string()
    .min(1)
    .meta({
      description: `Connection string; put credentials in a reference: mongodb://\${MONGO_USER}:\${MONGO_PASSWORD}@host:27017`,
      examples: ['mongodb://127.0.0.1:27017', `\${MONGODB_URI}`],
    }),
  database: z.string().min(1).meta({ description: 'Database name.' }),
  collection: z.string().min(1).meta({ description: 'Collection name.' }),
  writeModel: z.enum(['insert', 'replace', 'update']).default('replace').meta({
    description:
      'replace: replaceOne with upsert (the last record for a key wins); update: updateOne `$set` with upsert (fields merge); insert: insertOne (the first record for a key wins; a replayed insert is recognised and not an error).',
  }),
  key: z
    .string()
    .default('$position')
    .refine(isKeyPath, 'must be $key, $position or a field path of the value')
    .meta({
      description:
        'Where the document `_id` comes from: $position (`topic:partition:offset`, so a replay rewrites the same document), $key (the record key) or a field path of the value (`order.id`).',
    }),
  deleteOnTombstone: z.boolean().default(false).meta({
    description:
      'A record whose value is null deletes the document with its `_id` (needs key $key or a field path). When false, tombstones are skipped.',
  }),
  timeout: duration().default(30_000).meta({
    description:
      'Server selection, connect and socket timeout: past it a write is retried. Keep it above the slowest batch the server may take.',
  }),
  maxPoolSize: z
    .number()
    .int()
    .positive()
    .default(4)
    .meta({ description: 'Connections in the driver pool.' }),
});

export type MongodbOptions = z.output<typeof mongodbOptions>;

/** Option combinations the schema cannot express: the sink's `check` (at load) and `checkMongodbOptions` (at create). */
export function mongodbProblems(options: MongodbOptions): OptionsProblem[] {
  if (options.deleteOnTombstone && compileRecordPath(options.key).kind === 'position') {
    return [
      {
        path: ['deleteOnTombstone'],
        reason: "needs key $key or a field path (a tombstone's position names no earlier document)",
      },
    ];
  }
  return [];
}

/** Throws the first of `mongodbProblems` as a FatalError; checked when the sink is created, before connecting. */
export function checkMongodbOptions(options: MongodbOptions, sinkName: string): void {
  const first = mongodbProblems(options)[0];
  if (first !== undefined) {
    throw new FatalError('DP_MONGODB_CONFIG', `sink ${sinkName}: ${String(first.path[0])} ${first.reason}`);
  }
}
