/** The target registry: adding a target is one module implementing PlatformTarget and one line here. */
import type { TargetName } from '../target-facts.ts';
import { awsTarget } from './aws.ts';
import { azureTarget } from './azure.ts';
import { baremetalTarget } from './baremetal.ts';
import { gcpTarget } from './gcp.ts';
import type { PlatformTarget } from './target.ts';

export const platformTargets: Readonly<Record<TargetName, PlatformTarget>> = {
  aws: awsTarget,
  azure: azureTarget,
  gcp: gcpTarget,
  baremetal: baremetalTarget,
};
