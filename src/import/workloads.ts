/**
 * Workloads, volumes and the namespace, from Deployments and StatefulSets. Platform components
 * (external-dns, the CNI, kube-system) are left out: the renderer provides them on every target.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { dnsLabel, type Notes } from './draft.ts';
import { asArray, asObject, type Inventory, type Json, type KubeObject } from './inventory.ts';

const PLATFORM_COMPONENT =
  /^(external-dns|kube-flannel.*|flannel|aws-node|azure-cni.*|coredns|kube-proxy|cert-manager.*|ingress-nginx.*|metrics-server|cluster-autoscaler|velero)$/;
const KNOWN_USERS: ReadonlyArray<[RegExp, number]> = [
  [/(^|\/)mongo/, 999],
  [/(^|\/)postgres/, 999],
  [/(^|\/)redis/, 999],
  [/(^|\/)mysql|(^|\/)mariadb/, 999],
];
const SIZE = /^\d+(Mi|Gi|Ti)$/;

export interface WorkloadsDraft {
  readonly namespace: string;
  readonly services: Json[];
  readonly statefulServices: Json[];
  readonly volumes: Json[];
  /** Env values and args of each workload, to find what it talks to (buckets, other workloads). */
  readonly mentions: Map<string, string>;
  /** Kubernetes Service name → workload name. */
  readonly serviceToWorkload: Map<string, string>;
  /** ServiceAccount name → workload name. */
  readonly accountToWorkload: Map<string, string>;
}

export function inferWorkloads(inv: Inventory, notes: Notes): WorkloadsDraft {
  const apps = inv.kube.filter(
    (o) =>
      (o.kind === 'Deployment' || o.kind === 'StatefulSet') &&
      o.namespace !== 'kube-system' &&
      !PLATFORM_COMPONENT.test(o.name),
  );
  const draft: WorkloadsDraft = {
    namespace:
      mostCommon(apps.map((a) => a.namespace).filter((n): n is string => n !== undefined)) ?? 'default',
    services: [],
    statefulServices: [],
    volumes: [],
    mentions: new Map(),
    serviceToWorkload: new Map(),
    accountToWorkload: new Map(),
  };
  for (const app of apps) {
    const pod = asObject(asObject(asObject(app.data['spec'])['template'])['spec']);
    const container = asObject(asArray(pod['containers'])[0]);
    const name = workloadName(app, pod);
    const isStateful = app.kind === 'StatefulSet';
    const list = isStateful ? draft.statefulServices : draft.services;
    const index = list.length;
    const base: DraftPathBase = ['workloads', isStateful ? 'statefulServices' : 'services', index];
    const workload: Json = { name, image: imageOf(app, container, notes, base) };
    const replicas = asObject(app.data['spec'])['replicas'];
    if (typeof replicas === 'number') workload['replicas'] = replicas;
    workload['port'] = portOf(container, notes, base);
    const env = plainEnvOf(app, container, notes, base);
    if (Object.keys(env).length > 0) workload['env'] = env;
    const secretEnv = secretEnvOf(container);
    if (secretEnv.length > 0) workload['secretEnv'] = secretEnv;
    if (isStateful)
      Object.assign(workload, statefulParts(inv, app, pod, container, name, draft, notes, base));
    list.push(workload);

    const mentions = JSON.stringify([container['env'], container['args'], container['command']]);
    draft.mentions.set(name, mentions);
    if (/kafka/i.test(mentions) && !isStateful)
      notes.todo(
        base,
        `${app.file}: reads Kafka; if this is a datapipe, move it to workloads.pipelines with a pipeline file`,
      );
    for (const svc of inv.kube.filter((o) => o.kind === 'Service')) {
      const selector = asObject(asObject(svc.data['spec'])['selector']);
      const labels = asObject(
        asObject(asObject(asObject(app.data['spec'])['template'])['metadata'])['labels'],
      );
      const selects =
        Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
      if (selects || svc.name === app.name) draft.serviceToWorkload.set(svc.name, name);
    }
    draft.serviceToWorkload.set(app.name, name);
    if (typeof pod['serviceAccountName'] === 'string')
      draft.accountToWorkload.set(pod['serviceAccountName'], name);
  }
  for (const pvc of inv.kube.filter((o) => o.kind === 'PersistentVolumeClaim')) {
    notes.todo(
      ['volumes'],
      `${pvc.file}: claim "${pvc.name}" is not a StatefulSet's volume; attach it to a stateful service or drop it`,
    );
  }
  return draft;
}

type DraftPathBase = ReadonlyArray<string | number>;

function workloadName(app: KubeObject, pod: Json): string {
  if (app.name && !app.name.includes('TEMPLATED')) return dnsLabel(app.name);
  const labels = asObject(asObject(asObject(asObject(app.data['spec'])['template'])['metadata'])['labels']);
  const label = labels['app'] ?? labels['app.kubernetes.io/name'] ?? pod['serviceAccountName'];
  return dnsLabel(
    typeof label === 'string' && !label.includes('TEMPLATED') ? label : (chartName(app.file) ?? 'app'),
  );
}

function chartName(file: string): string | undefined {
  const m = /([^/]+)\/templates\/[^/]+$/.exec(file);
  return m?.[1];
}

function imageOf(app: KubeObject, container: Json, notes: Notes, base: DraftPathBase): string {
  const image = typeof container['image'] === 'string' ? container['image'] : '';
  if (image && !image.includes('TEMPLATED')) return image;
  const values = chartValues(app.file);
  const img = asObject(values['image']);
  if (typeof img['repository'] === 'string') {
    notes.todo([...base, 'image'], `taken from the chart's values.yaml`);
    return typeof img['tag'] === 'string' || typeof img['tag'] === 'number'
      ? `${img['repository']}:${img['tag']}`
      : img['repository'];
  }
  notes.todo([...base, 'image'], `${app.file}: the image could not be read; set it`);
  return 'registry.example.com/replace-me:latest';
}

function chartValues(templateFile: string): Json {
  try {
    return asObject(parse(readFileSync(join(dirname(dirname(templateFile)), 'values.yaml'), 'utf8')));
  } catch {
    return {};
  }
}

function portOf(container: Json, notes: Notes, base: DraftPathBase): number {
  const port = asObject(asArray(container['ports'])[0])['containerPort'];
  if (typeof port === 'number') return port;
  notes.todo([...base, 'port'], 'no containerPort declared; 8080 assumed');
  return 8080;
}

/** Names that hold secrets by convention: their inline values are not copied into platform.yaml. */
const SECRET_NAME =
  /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|CONNECTION_STRING/i;

/**
 * Plain `value:` environment variables as non-secret settings. A value that looks secret by its name
 * is not copied (a TODO says to move it to a Secret); a value Helm fills in is marked to be set by hand.
 */
function plainEnvOf(app: KubeObject, container: Json, notes: Notes, base: DraftPathBase): Json {
  const env: Json = {};
  for (const entry of asArray(container['env']).map(asObject)) {
    const name = entry['name'];
    const value = entry['value'];
    if (typeof name !== 'string' || !/^[A-Z_][A-Z0-9_]*$/.test(name) || 'valueFrom' in entry) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = String(value);
    if (SECRET_NAME.test(name)) {
      notes.todo(
        [...base, 'secretEnv'],
        `${app.file}: ${name} has an inline value that looks secret; put it in a Secret and list it here`,
      );
      continue;
    }
    if (text.includes('TEMPLATED')) {
      notes.todo([...base, 'env'], `${app.file}: ${name} is filled in by Helm; set its value`);
      env[name] = '';
      continue;
    }
    env[name] = text;
  }
  return env;
}

function secretEnvOf(container: Json): Json[] {
  const out: Json[] = [];
  for (const env of asArray(container['env'])) {
    const e = asObject(env);
    const ref = asObject(asObject(e['valueFrom'])['secretKeyRef']);
    if (
      typeof e['name'] === 'string' &&
      /^[A-Z_][A-Z0-9_]*$/.test(e['name']) &&
      typeof ref['name'] === 'string' &&
      typeof ref['key'] === 'string'
    )
      out.push({ name: e['name'], secret: dnsLabel(ref['name']), key: ref['key'] });
  }
  return out;
}

function statefulParts(
  inv: Inventory,
  app: KubeObject,
  pod: Json,
  container: Json,
  name: string,
  draft: WorkloadsDraft,
  notes: Notes,
  base: DraftPathBase,
): Json {
  const parts: Json = {};
  const claim = asObject(asArray(asObject(app.data['spec'])['volumeClaimTemplates'])[0]);
  const claimName = String(asObject(claim['metadata'])['name'] ?? 'data');
  const claimSpec = asObject(claim['spec']);
  const volumeName = dnsLabel(`${name}-${claimName}`);
  const mount = asArray(container['volumeMounts'])
    .map(asObject)
    .find((m) => m['name'] === claimName);
  parts['volume'] = volumeName;
  parts['mountPath'] = typeof mount?.['mountPath'] === 'string' ? mount['mountPath'] : '/data';
  if (!mount) notes.todo([...base, 'mountPath'], `no mount of claim "${claimName}" found; /data assumed`);
  const runAs =
    asObject(container['securityContext'])['runAsUser'] ?? asObject(pod['securityContext'])['runAsUser'];
  if (typeof runAs === 'number' && runAs > 0) parts['runAsUser'] = runAs;
  else {
    const known = KNOWN_USERS.find(([re]) => re.test(String(container['image'] ?? '')));
    parts['runAsUser'] = known?.[1] ?? 1000;
    notes.todo(
      [...base, 'runAsUser'],
      `the image's user is not declared; ${parts['runAsUser']} assumed (pods run as non-root)`,
    );
  }
  const args = asArray(container['args']).filter((a): a is string => typeof a === 'string');
  if (args.length > 0) parts['args'] = args;

  const volumeIndex = draft.volumes.length;
  const storage = String(asObject(asObject(claimSpec['resources'])['requests'])['storage'] ?? '');
  const size = SIZE.test(storage) ? storage : '10Gi';
  if (!SIZE.test(storage))
    notes.todo(['volumes', volumeIndex, 'size'], `claim size "${storage}" could not be read; 10Gi assumed`);
  const modes = asArray(claimSpec['accessModes']);
  const volume: Json = {
    name: volumeName,
    size,
    accessMode: typeof modes[0] === 'string' ? modes[0] : 'ReadWriteOnce',
  };
  volume['encrypted'] = true;
  const className = claimSpec['storageClassName'];
  const cls = inv.kube.find((o) => o.kind === 'StorageClass' && o.name === className);
  if (cls === undefined) {
    notes.todo(
      ['volumes', volumeIndex, 'encrypted'],
      `class "${String(className ?? 'default')}" is not in the scanned files: could not tell whether the source volume is encrypted`,
    );
  } else if (!isEncryptedClass(cls)) {
    notes.todo(
      ['volumes', volumeIndex, 'encrypted'],
      `the source class "${cls.name}" does not encrypt; the target will`,
    );
  }
  draft.volumes.push(volume);
  return parts;
}

function isEncryptedClass(cls: KubeObject): boolean {
  const p = asObject(cls.data['parameters']);
  return (
    String(p['encrypted']) === 'true' ||
    'kmsKeyId' in p ||
    'diskEncryptionSetID' in p ||
    'disk-encryption-kms-key' in p ||
    String(cls.data['provisioner']).includes('azure') // Azure managed disks are always encrypted at rest
  );
}

function mostCommon(values: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
