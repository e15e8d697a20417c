/** The facts of an EKS cluster under `targets.aws`. */
import { z } from 'zod';

export const awsFactsSchema = z
  .strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-central-1'),
    accountId: z.string().regex(/^\d{12}$/, 'must be the 12-digit AWS account id'),
    clusterName: z.string().min(1),
    oidcIssuer: z
      .string()
      .regex(
        /^oidc\.eks\.[a-z0-9-]+\.amazonaws\.com\/id\/[A-Z0-9]+$/,
        'must be the EKS OIDC issuer host/path',
      )
      .meta({ description: 'The cluster OIDC issuer without https://, for IRSA trust policies.' }),
    hostedZoneId: z.string().regex(/^Z[A-Z0-9]+$/, 'must be a Route 53 hosted zone id'),
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, 'must be a KMS key ARN')
      .meta({ description: 'Customer managed key for EBS volumes, S3 buckets and backups.' }),
  })
  .meta({ description: 'Facts of an EKS cluster.' });

export type AwsFacts = z.output<typeof awsFactsSchema>;
