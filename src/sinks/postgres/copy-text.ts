/**
 * Encoding values for COPY ... FROM STDIN in text format: one line per row, tab-separated, `\N` for
 * NULL, backslash escapes. How a value is written depends on the target column's type, so that a JSON
 * string lands in a jsonb column as JSON and in a text column as its text. A `bytes`-decoded value (a
 * Buffer, only ever at the top level) becomes base64 in JSON, hex in bytea.
 */

export type ColumnEncoding = 'json' | 'bytea' | 'time' | 'text';

export function encodingOf(sqlType: string): ColumnEncoding {
  if (sqlType === 'json' || sqlType === 'jsonb') return 'json';
  if (sqlType === 'bytea') return 'bytea';
  if (sqlType.startsWith('timestamp') || sqlType === 'date') return 'time';
  return 'text';
}

const NULL = '\\N';

/** One field of a COPY text row (already escaped). Throws on a value JSON cannot represent (BigInt). */
export function copyField(value: unknown, encoding: ColumnEncoding): string {
  if (value === undefined || value === null) return NULL;
  switch (encoding) {
    case 'json':
      return escapeCopy(JSON.stringify(Buffer.isBuffer(value) ? value.toString('base64') : value));
    case 'bytea':
      return Buffer.isBuffer(value) ? `\\\\x${value.toString('hex')}` : escapeCopy(plain(value));
    case 'time':
      return typeof value === 'number' ? new Date(value).toISOString() : escapeCopy(plain(value));
    default:
      return escapeCopy(plain(value));
  }
}

/**
 * A json/jsonb field from the value's original JSON text (decision 0077): the same value `copyField`
 * writes from the parsed value, without parsing and re-serialising it; a JSON `null` is SQL NULL there too.
 */
export function copyJsonText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.trim() === 'null' ? NULL : escapeCopy(text);
}

function plain(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function escapeCopy(text: string): string {
  return /[\\\n\r\t]/.test(text) ? text.replace(/[\\\n\r\t]/g, (c) => ESCAPES[c] as string) : text;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
