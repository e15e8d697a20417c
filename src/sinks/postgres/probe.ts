/**
 * `datapipe check` for the postgres sink: connects, proves the target table exists and may be written
 * (INSERT, and UPDATE for upserts), then writes, reads back and deletes a probe row in a temporary table
 * of the session, so no row of the user's table is ever touched.
 */
import pg from 'pg';
import type { PluginContext, ProbeResult } from '../../core/plugin.ts';
import { type FailureKind, failureKind, hostsOf, runProbe } from '../../core/probe.ts';
import { classifyPgError } from './errors.ts';
import type { PostgresOptions } from './options.ts';

const FIXES: Record<FailureKind, string> = {
  auth: 'check the user and password of `connectionString`, and pg_hba.conf for this client',
  tls: 'check sslmode and the CA of `connectionString`',
  missing: 'create the table (or set `createTable: true`) and grant the user INSERT and UPDATE on it',
  unreachable:
    'check the host and port of `connectionString`, DNS, and that the network policy lets the workload out to it',
  other: 'see the error',
};

export async function probePostgres(opts: PostgresOptions, ctx: PluginContext): Promise<ProbeResult[]> {
  const client = new pg.Client({
    connectionString: opts.connectionString,
    connectionTimeoutMillis: Math.min(opts.timeout, 10_000),
    application_name: `datapipe-check/${ctx.pipelineName}`,
  });
  client.on('error', () => {});
  let connected = false;
  const sql = async (what: string, text: string, values: unknown[] = []) => {
    try {
      return await client.query(text, values);
    } catch (err) {
      throw classifyPgError(err, what);
    }
  };
  const privileges = opts.onConflict === 'upsert' ? 'INSERT,UPDATE' : 'INSERT';
  const result = await runProbe(
    `postgres ${hostsOf(opts.connectionString)} ${opts.table}`,
    [
      {
        name: 'connect',
        run: async () => {
          try {
            await client.connect();
            connected = true;
          } catch (err) {
            throw classifyPgError(err, 'connect');
          }
        },
      },
      {
        name: `table ${opts.table}`,
        run: async () => {
          const { rows } = await sql('table', 'SELECT to_regclass($1) IS NOT NULL AS present', [opts.table]);
          if (rows[0]?.present) {
            const granted = await sql('privileges', 'SELECT has_table_privilege($1, $2) AS ok', [
              opts.table,
              privileges,
            ]);
            if (!granted.rows[0]?.ok) throw new Error(`the user lacks ${privileges} on ${opts.table}`);
          } else if (!opts.createTable) {
            throw new Error(`table ${opts.table} does not exist (SQLSTATE 42P01)`);
          }
        },
      },
      {
        name: 'write, read back and delete a probe row',
        run: async () => {
          await sql('temp table', 'CREATE TEMP TABLE datapipe_check_probe (id text PRIMARY KEY)');
          await sql('write', 'INSERT INTO datapipe_check_probe VALUES ($1)', [ctx.pipelineName]);
          const read = await sql('read', 'SELECT id FROM datapipe_check_probe WHERE id = $1', [
            ctx.pipelineName,
          ]);
          if (read.rowCount !== 1) throw new Error('the probe row written is not found');
          await sql('delete', 'DELETE FROM datapipe_check_probe WHERE id = $1', [ctx.pipelineName]);
        },
      },
    ],
    {
      proven: `reached; ${opts.table} ${opts.createTable ? 'present or created on connect' : `grants ${privileges}`}; wrote, read back and deleted a probe row`,
      fix: (err) => (/lacks/.test(String((err as Error).message)) ? FIXES.missing : FIXES[failureKind(err)]),
      cleanup: async () => {
        if (connected) await client.end();
      },
    },
  );
  return [result];
}
