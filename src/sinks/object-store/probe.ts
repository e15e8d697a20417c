/**
 * `datapipe check` for the object-store sink: reaches the bucket or container, writes a probe object
 * under the sink's prefix (where the workload's policy lets it write), lists it, reads it back and
 * deletes it. Read and delete may be denied (a pipeline needs write and list only): said, not failed.
 */
import { randomUUID } from 'node:crypto';
import type { PluginContext, ProbeResult } from '../../core/plugin.ts';
import { type FailureKind, failureKind, runProbe } from '../../core/probe.ts';
import type { ObjectStoreDriver } from './driver.ts';
import type { DriverRegistry } from './drivers/index.ts';
import { checkDriverOptions, type ObjectStoreOptions } from './options.ts';

const FIXES: Record<FailureKind, string> = {
  auth: 'give the workload identity (or the keys in the binding) read, write and delete on the bucket/container and prefix',
  tls: 'point `caBundle` of the binding at the CA that signed the store certificate',
  missing: 'create the bucket/container, or fix its name in the binding',
  unreachable:
    'check `endpoint`/`accountUrl`/`region` of the binding, DNS, and that the network policy lets the workload out to it',
  other: 'see the error; the binding (docs/bindings.md) says how the store is reached',
};

/** `drivers`: the ones the composition root registered, as the sink opens them. */
export async function probeObjectStore(
  opts: ObjectStoreOptions,
  ctx: PluginContext,
  drivers: DriverRegistry,
): Promise<ProbeResult[]> {
  checkDriverOptions(opts);
  const where = opts.endpoint ?? opts.accountUrl;
  let driver: ObjectStoreDriver | undefined;
  const endpoint = () => `${opts.driver} ${driver?.location ?? ''}${where ? ` at ${where}` : ''}`.trim();
  // Under the prefix's fixed part: a policy scoped to the prefix must allow the probe like the records.
  const name = `${opts.prefix.split('{')[0]}_datapipe-check/${ctx.pipelineName}-${randomUUID()}.probe`;
  const body = Buffer.from(`datapipe check ${new Date().toISOString()}\n`);
  let written = false;
  // A pipeline needs write and list only (grants `[write, list]`): an identity that may not read or
  // delete is right, not broken. Said on the line, with the probe object to remove.
  const denied: string[] = [];
  const mayBeDenied = async (what: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      if (failureKind(err) !== 'auth') throw err;
      denied.push(what);
    }
  };
  const result = await runProbe(
    'pending',
    [
      {
        name: 'open',
        run: async () => {
          driver = await drivers.open(opts, ctx.baseDir);
        },
      },
      { name: 'reach', run: () => (driver as ObjectStoreDriver).check() },
      {
        name: `write ${name}`,
        run: async () => {
          await (driver as ObjectStoreDriver).put(name, body);
          written = true;
        },
      },
      {
        // The sink lists a folder before its first write (replays): that is the permission it needs.
        name: `list ${name}`,
        run: async () => {
          for await (const listed of (driver as ObjectStoreDriver).list(name)) if (listed === name) return;
          throw new Error('the object written is not listed');
        },
      },
      {
        name: `read back ${name}`,
        run: () =>
          mayBeDenied('read', async () => {
            const read = await (driver as ObjectStoreDriver).get(name);
            if (!read.equals(body)) throw new Error('the object read back differs from the one written');
          }),
      },
      {
        name: `delete ${name}`,
        run: () =>
          mayBeDenied('delete', async () => {
            await (driver as ObjectStoreDriver).delete(name);
            written = false;
          }),
      },
    ],
    {
      get proven() {
        if (denied.length === 0) return 'reached; wrote, listed, read back and deleted a probe object';
        return `reached; wrote and listed a probe object; this identity may not ${denied.join(' or ')} (a pipeline does not need to)${written ? `: remove ${name} by hand` : ''}`;
      },
      fix: (err) => FIXES[failureKind(err)],
      cleanup: async () => {
        if (written) await driver?.delete(name);
        await driver?.close();
      },
    },
  );
  return [{ ...result, endpoint: endpoint() }];
}
