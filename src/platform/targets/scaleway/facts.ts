/** The facts of a Scaleway Kapsule cluster under `targets.scaleway`. */
import { z } from 'zod';
import { UUID } from '../../target-facts.ts';

export const scalewayFactsSchema = z
  .strictObject({
    region: z
      .string()
      .regex(/^[a-z]{2}-[a-z]{3}$/, 'must be a Scaleway region such as fr-par')
      .meta({
        description: 'Region of the cluster and the Object Storage buckets (fr-par, nl-ams, pl-waw).',
      }),
    projectId: z.string().regex(UUID, 'must be a Scaleway project id (UUID)'),
    keyManagerKeyId: z
      .string()
      .regex(UUID, 'must be a Key Manager key id (UUID)')
      .meta({ description: 'Scaleway Key Manager key that encrypts Block Storage volumes and buckets.' }),
    terraformPrincipal: z
      .string()
      .regex(/^(application_id|user_id):[0-9a-f-]{36}$/, 'must be application_id:UUID or user_id:UUID')
      .meta({
        description:
          'The IAM principal that applies provider/: bucket policies keep its right to manage the bucket, or it would lock itself out.',
      }),
    loadBalancerType: z
      .string()
      .default('LB-S')
      .meta({ description: 'Scaleway Load Balancer offer of the gateway (`scw-loadbalancer-type`).' }),
  })
  .meta({ description: 'Facts of a Scaleway Kapsule cluster.' });

export type ScalewayFacts = z.output<typeof scalewayFactsSchema>;
