/**
 * The one shape structured rules match against, whatever the file was: a Kubernetes document,
 * a Terraform block, an Ansible task. A rule names a kind, a field path and a value pattern.
 */
export interface Leaf {
  /** Field names and list indexes from the object's root to a scalar. */
  readonly path: readonly string[];
  readonly value: string;
  /** 1-based line of the value. */
  readonly line: number;
}

export interface ScannedObject {
  /** `Ingress`, `resource.aws_iam_policy`, `amazon.aws.iam_policy`... */
  readonly kind: string;
  /** 1-based line where the object starts. */
  readonly line: number;
  readonly leaves: readonly Leaf[];
}
