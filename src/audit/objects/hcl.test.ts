import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHcl } from './hcl.ts';
import { terraformObjects } from './terraform-objects.ts';

describe('parseHcl', () => {
  it('reads blocks, labels, attributes and nested blocks with their lines', () => {
    const [block] = parseHcl(
      [
        '# a comment',
        'resource "aws_s3_bucket_server_side_encryption_configuration" "data" {',
        '  bucket = aws_s3_bucket.data.id // trailing comment',
        '  rule {',
        '    apply_server_side_encryption_by_default {',
        '      sse_algorithm = "aws:kms"',
        '    }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.equal(block?.type, 'resource');
    assert.deepEqual(block?.labels, ['aws_s3_bucket_server_side_encryption_configuration', 'data']);
    assert.equal(block?.line, 2);
    assert.deepEqual(block?.attributes, [{ name: 'bucket', value: 'aws_s3_bucket.data.id', line: 3 }]);
    const inner = block?.blocks[0]?.blocks[0];
    assert.deepEqual(inner?.attributes, [{ name: 'sse_algorithm', value: 'aws:kms', line: 6 }]);
  });

  it('keeps multi-line expressions, heredocs and interpolations in one attribute', () => {
    const [block] = parseHcl(
      [
        'resource "aws_iam_role" "x" {',
        '  assume_role_policy = jsonencode({',
        '    Statement = [{ Action = "sts:AssumeRole" }]',
        '  })',
        '  policy = <<EOF',
        '{ "Action": "s3:*", "Resource": "\u0024{var.bucket}" }',
        'EOF',
        '  name = "role-\u0024{var.env}-{x}"',
        '}',
        'resource "aws_kms_key" "k" {}',
      ].join('\n'),
    );
    assert.deepEqual(
      block?.attributes.map((a) => [a.name, a.line]),
      [
        ['assume_role_policy', 2],
        ['policy', 5],
        ['name', 8],
      ],
    );
    assert.match(block!.attributes[0]!.value, /sts:AssumeRole/);
    assert.equal(
      block!.attributes[1]!.value.trim(),
      '{ "Action": "s3:*", "Resource": "\u0024{var.bucket}" }',
    );
    assert.equal(block!.attributes[2]!.value, 'role-\u0024{var.env}-{x}');
    assert.equal(parseHcl('resource "a" "b" {\n  x = 1\n}\nresource "aws_kms_key" "k" {}\n')[1]?.line, 4);
  });

  it('survives broken input without throwing, keeping what it could read', () => {
    assert.deepEqual(parseHcl('}}} = = {{{ "'), []);
    const blocks = parseHcl(
      'resource "a" "b" {\n  x = 1\n}\nresource "x" {\n  a = "unterminated\n  b = [1, 2\n',
    );
    assert.deepEqual(
      blocks.map((b) => [b.labels, b.line, b.attributes.map((a) => [a.name, a.line])]),
      [
        [['a', 'b'], 1, [['x', 2]]],
        [
          ['x'],
          4,
          [
            ['a', 5],
            ['b', 6],
          ],
        ],
      ],
    );
    assert.equal(blocks[0]!.attributes[0]!.value, '1');
  });
});

describe('terraformObjects', () => {
  it('names resources resource.<type>, nests block paths, and reads the JSON syntax too', () => {
    const hcl = terraformObjects('terraform {\n  backend "s3" {\n    bucket = "state"\n  }\n}\n', 'main.tf');
    assert.deepEqual(hcl, [
      {
        kind: 'terraform',
        line: 1,
        leaves: [{ path: ['backend', 's3', 'bucket'], value: 'state', line: 3 }],
      },
    ]);
    const json = terraformObjects(
      '{\n "resource": {\n  "aws_kms_key": {\n   "k": { "description": "d" }\n  }\n }\n}',
      'kms.tf.json',
    );
    assert.equal(json[0]?.kind, 'resource.aws_kms_key');
    assert.equal(json[0]?.line, 4);
    assert.deepEqual(json[0]?.leaves, [{ path: ['description'], value: 'd', line: 4 }]);
  });
});
