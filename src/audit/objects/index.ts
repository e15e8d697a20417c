/** The parsed objects of a file, by its kind: what structured rules match against. */
import type { FileKind } from '../model.ts';
import { ansibleObjects } from './ansible-tasks.ts';
import { blankTemplateActions, kubernetesObjects } from './kubernetes-objects.ts';
import type { ScannedObject } from './scanned-object.ts';
import { terraformObjects } from './terraform-objects.ts';

export type { ScannedObject } from './scanned-object.ts';

export function objectsOf(kind: FileKind, text: string, path: string): ScannedObject[] {
  switch (kind) {
    case 'kubernetes':
    case 'kustomize':
      return kubernetesObjects(text);
    case 'helm':
      return kubernetesObjects(blankTemplateActions(text));
    case 'terraform':
      return terraformObjects(text, path);
    case 'ansible':
      return ansibleObjects(text);
    default:
      return [];
  }
}
