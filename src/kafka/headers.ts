/** Kafka headers are bytes; datapipe records carry them as UTF-8 strings (the last value wins for a repeated key). */

export function headersToRecord(headers: Map<Buffer, Buffer> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [key, value] of headers)
    out[key.toString('utf8')] = value === undefined ? '' : value.toString('utf8');
  return out;
}

export function recordToHeaders(headers: Readonly<Record<string, string>>): Map<Buffer, Buffer> {
  const out = new Map<Buffer, Buffer>();
  for (const [key, value] of Object.entries(headers)) out.set(Buffer.from(key), Buffer.from(value));
  return out;
}
