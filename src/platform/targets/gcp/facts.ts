/** The facts of a GKE cluster under `targets.gcp`. */
import { z } from 'zod';

export const gcpFactsSchema = z
  .strictObject({
    projectId: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id'),
    region: z.string().min(1),
    dnsManagedZone: z.string().min(1).meta({ description: 'Cloud DNS managed zone name.' }),
    kmsKeyId: z
      .string()
      .regex(
        /^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/,
        'must be projects/P/locations/L/keyRings/R/cryptoKeys/K',
      ),
  })
  .meta({ description: 'Facts of a GKE cluster.' });

export type GcpFacts = z.output<typeof gcpFactsSchema>;
