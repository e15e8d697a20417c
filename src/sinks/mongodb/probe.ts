/**
 * `datapipe check` for the mongodb sink: connects with the sink's URI, writes a probe document into the
 * target collection (so the user's write privilege is what is proven), reads it back and deletes it.
 */
import { randomUUID } from 'node:crypto';
import { type Collection, type Document, MongoClient } from 'mongodb';
import type { PluginContext, ProbeResult } from '../../core/plugin.ts';
import { type FailureKind, failureKind, hostsOf, runProbe } from '../../core/probe.ts';
import { classifyMongoError } from './errors.ts';
import type { MongodbOptions } from './options.ts';

const FIXES: Record<FailureKind, string> = {
  auth: 'check the user and password in the connection (`uri`) and that the user may insert, find and delete in the collection',
  tls: 'check the TLS options of the connection string (tlsCAFile)',
  missing: 'fix `database`/`collection` of the sink',
  unreachable:
    'check the host and port of the connection (`uri`), DNS, and that the network policy lets the workload out to it',
  other: 'see the error; check the connection string and the collection rules (validators)',
};

export async function probeMongodb(opts: MongodbOptions, ctx: PluginContext): Promise<ProbeResult[]> {
  let client: MongoClient | undefined;
  let collection: Collection<Document> | undefined;
  const id = `datapipe-check:${ctx.pipelineName}:${randomUUID()}`;
  const call = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (err) {
      throw classifyMongoError(err, what);
    }
  };
  const result = await runProbe(
    `mongodb ${hostsOf(opts.uri)} ${opts.database}.${opts.collection}`,
    [
      {
        name: 'connect',
        run: () =>
          call('connect', async () => {
            const timeout = Math.min(opts.timeout, 10_000);
            client = new MongoClient(opts.uri, {
              serverSelectionTimeoutMS: timeout,
              connectTimeoutMS: timeout,
              appName: `datapipe-check/${ctx.pipelineName}`,
            });
            await client.connect();
            collection = client.db(opts.database).collection(opts.collection);
          }),
      },
      {
        name: 'write probe document',
        run: () =>
          call('insert', () => (collection as Collection<Document>).insertOne({ _id: id } as Document)),
      },
      {
        name: 'read back probe document',
        run: () =>
          call('find', async () => {
            const found = await (collection as Collection<Document>).findOne({ _id: id } as Document);
            if (found === null) throw new Error('the probe document written is not found');
          }),
      },
      {
        name: 'delete probe document',
        run: () =>
          call('delete', () => (collection as Collection<Document>).deleteOne({ _id: id } as Document)),
      },
    ],
    {
      proven: 'reached; wrote, read back and deleted a probe document',
      fix: (err) => FIXES[failureKind(err)],
      cleanup: async () => {
        await collection?.deleteOne({ _id: id } as Document).catch(() => {});
        await client?.close();
      },
    },
  );
  return [result];
}
