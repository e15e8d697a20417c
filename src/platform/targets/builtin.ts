/**
 * The targets datapipe ships, in the order they are listed (help, audit totals, import drafts).
 * The CLI passes this registry down; adding a target is its module and one line here.
 */
import { aws } from './aws/index.ts';
import { azure } from './azure/index.ts';
import { baremetal } from './baremetal/index.ts';
import { targetRegistry } from './descriptor.ts';
import { gcp } from './gcp/index.ts';
import { scaleway } from './scaleway/index.ts';

export const builtinTargets = targetRegistry([aws, azure, gcp, baremetal, scaleway]);
