/** Kafka headers are bytes; datapipe records carry them as UTF-8 strings (the last value wins for a repeated key). */

export function headersToRecord(headers: Map<Buffer, Buffer> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [key, value] of headers)
    out[key.toString('utf8')] = value === undefined ? '' : value.toString('utf8');
  return out;
}

/** Headers as bytes; the names in `skip` are left out (a caller that sets them itself). */
export function recordToHeaders(
  headers: Readonly<Record<string, string>>,
  skip?: ReadonlySet<string>,
): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const [key, value] of Object.entries(headers)) {
    if (skip?.has(key) !== true) out.set(Buffer.from(key), Buffer.from(value));
  }
  return out;
}
