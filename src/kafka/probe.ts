/**
 * `datapipe check` for Kafka: asks the cluster for the metadata of the topics (proves the brokers are
 * reachable, TLS and SASL work, and the topics exist and may be described) and, for a consumer, describes
 * its group (proves the group coordinator answers and the group may be used). Nothing is read or written.
 */
import { Admin } from '@platformatic/kafka';
import { errorMessage } from '../core/errors.ts';
import type { PluginContext, ProbeResult } from '../core/plugin.ts';
import { runProbe } from '../core/probe.ts';
import { clientOptions, type KafkaConnection } from './connection.ts';
import { hasKafkaApiError, isKafkaAuthError, isUnknownTopicError } from './errors.ts';

export async function probeKafka(
  conn: KafkaConnection,
  ctx: PluginContext,
  want: {
    readonly topics: readonly string[];
    readonly groupId?: string;
    /** The sink creates missing topics on connect (`createTopic`): a missing one is no failure. */
    readonly createsTopics?: boolean;
  },
): Promise<ProbeResult[]> {
  const endpoint = `kafka ${conn.brokers.join(',')}`;
  let admin: Admin | undefined;
  let toCreate: string[] = [];
  const steps = [
    {
      name: 'connect',
      run: async () => {
        // A probe must answer soon: few retries, a short connect timeout.
        admin = new Admin({
          ...clientOptions(conn, ctx),
          connectTimeout: 5_000,
          retries: 1,
          retryDelay: 200,
        });
      },
    },
    {
      name: `metadata of ${want.topics.join(', ')}`,
      run: async () => {
        const listed = new Set(await (admin as Admin).listTopics());
        const missing = want.topics.filter((t) => !listed.has(t));
        if (missing.length > 0 && !want.createsTopics) throw new Error(`Unknown topic ${missing.join(', ')}`);
        toCreate = missing;
        if (want.topics.length > missing.length) {
          await (admin as Admin).metadata({
            topics: want.topics.filter((t) => !missing.includes(t)),
            autocreateTopics: false,
          });
        }
      },
    },
  ];
  const groupId = want.groupId;
  if (groupId !== undefined) {
    steps.push({
      name: `describe group ${groupId}`,
      run: async () => {
        const groups = await (admin as Admin).describeGroups({ groups: [groupId] });
        if (!groups.has(groupId)) throw new Error(`the cluster did not describe group ${groupId}`);
      },
    });
  }
  const result = await runProbe(endpoint, steps, {
    get proven() {
      const topics = toCreate.length
        ? `topic(s) ${toCreate.join(', ')} missing, created on connect (createTopic)`
        : `topic(s) ${want.topics.join(', ')} exist`;
      return groupId === undefined ? `reached; ${topics}` : `reached; ${topics}; group ${groupId} described`;
    },
    fix: (err, step) => kafkaFix(err, step),
    cleanup: async () => admin?.close(),
  });
  return [result];
}

function kafkaFix(err: unknown, step: string): string {
  if (hasKafkaApiError(err, 'GROUP_AUTHORIZATION_FAILED')) {
    return 'grant the principal Describe and Read on the consumer group (ACL), or use a permitted groupId';
  }
  if (isKafkaAuthError(err)) {
    return 'check the SASL user and the password secret of the binding, and the ACLs on the topics and group';
  }
  if (isUnknownTopicError(err) || /Unknown topic/.test(errorMessage(err))) {
    return 'create the topic(s), or fix `topics`/`topic` in the pipeline';
  }
  if (step === 'connect') return 'check the TLS files and options of the binding';
  return 'check `brokers` of the binding, DNS, TLS (`tls: {}` for a TLS listener), and that the network policy lets the workload out to the brokers';
}
