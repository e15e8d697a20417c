/**
 * Where JSON must be parsed: the options measured for decision 0057, on the bench's own records
 * (`makeRecord`, 1 KiB by default), in one process, alternating the candidates so that a shared
 * machine's load hits them alike. `node bench/parse-options.ts [--size 1024] [--records 20000]`.
 *
 * - `JSON.parse(toString)`: what `decode: json` does.
 * - `isUtf8 + toString`: the floor of any check of the bytes (they must become a string at some point).
 * - `validate (JS scanner)`: a byte-level JSON validator in JavaScript, without building values.
 * - `field by scan`: read one top-level field without parsing the rest (what "parse only the fields a
 *   transform uses" could do; it does not validate the rest).
 * - `structuredClone(parsed)`: a lower bound of handing a parsed value back from a worker thread.
 * - `worker round trip`: parsing in a worker thread, the values posted back (one batch of 1,000).
 */
import { isUtf8 } from 'node:buffer';
import { Worker } from 'node:worker_threads';
import { parseScriptArgs } from '../scripts/script-args.ts';
import { makeRecord } from './lib/kafka.ts';

const { values } = parseScriptArgs({
  command: 'node bench/parse-options.ts',
  summary: 'Where JSON must be parsed: the options of decision 0057 timed side by side on the bench records.',
  options: {
    size: { type: 'string', default: '1024', value: 'BYTES', help: 'record size' },
    records: { type: 'string', default: '20000', value: 'N', help: 'records per round' },
  },
});
const size = Number(values.size);
const records = Array.from({ length: Number(values.records) }, (_, i) =>
  Buffer.from(makeRecord(i, Date.now(), size)),
);

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;

/** True when `b` holds exactly one JSON value (RFC 8259); no values are built. */
export function isJson(b: Buffer): boolean {
  const n = b.length;
  let i = 0;
  const stack: number[] = [];
  const skip = () => {
    while (i < n && WS[b[i] as number] === 1) i++;
  };
  const digit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
  const str = (): boolean => {
    i++;
    for (;;) {
      if (i >= n) return false;
      const c = b[i] as number;
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c === 0x5c) {
        const e = b[i + 1];
        if (e === 0x75) {
          for (let k = 2; k < 6; k++)
            if (!/[0-9a-fA-F]/.test(String.fromCharCode(b[i + k] ?? 0))) return false;
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(String.fromCharCode(e))) return false;
        i += 2;
        continue;
      }
      if (c < 0x20) return false;
      i++;
    }
  };
  const num = (): boolean => {
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (digit(b[i]) && b[i] !== 0x30) while (digit(b[i])) i++;
    else return false;
    if (b[i] === 0x2e) {
      i++;
      if (!digit(b[i])) return false;
      while (digit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!digit(b[i])) return false;
      while (digit(b[i])) i++;
    }
    return true;
  };
  const lit = (w: string): boolean => {
    for (let k = 0; k < w.length; k++) if (b[i + k] !== w.charCodeAt(k)) return false;
    i += w.length;
    return true;
  };
  const member = (): boolean => {
    skip();
    if (b[i] !== 0x22 || !str()) return false;
    skip();
    if (b[i] !== 0x3a) return false;
    i++;
    return true;
  };
  for (;;) {
    skip();
    const c = b[i];
    if (c === 0x7b) {
      i++;
      skip();
      if (b[i] === 0x7d) i++;
      else {
        stack.push(1);
        if (!member()) return false;
        continue;
      }
    } else if (c === 0x5b) {
      i++;
      skip();
      if (b[i] === 0x5d) i++;
      else {
        stack.push(2);
        continue;
      }
    } else if (c === 0x22) {
      if (!str()) return false;
    } else if (c === 0x74) {
      if (!lit('true')) return false;
    } else if (c === 0x66) {
      if (!lit('false')) return false;
    } else if (c === 0x6e) {
      if (!lit('null')) return false;
    } else if (!num()) return false;
    for (;;) {
      skip();
      if (stack.length === 0) return i === n;
      const top = stack[stack.length - 1];
      const d = b[i];
      if (d === 0x2c) {
        i++;
        if (top === 1 && !member()) return false;
        break;
      }
      if ((top === 1 && d === 0x7d) || (top === 2 && d === 0x5d)) {
        i++;
        stack.pop();
        continue;
      }
      return false;
    }
  }
}

/** A top-level string field's raw text, found by scanning (`"name":"...`), without parsing the rest. */
function fieldByScan(b: Buffer, name: string): string | undefined {
  const at = b.indexOf(`"${name}":"`);
  if (at < 0) return undefined;
  const start = at + name.length + 4;
  return b.toString('utf8', start, b.indexOf(0x22, start));
}

// the scanner must really scan: it accepts every record and refuses a truncated one
if (!records.every(isJson) || isJson(records[0]?.subarray(0, -1) as Buffer))
  throw new Error('isJson is wrong');

let sink: unknown;
const parsed = records.map((r) => JSON.parse(r.toString('utf8')));
const candidates: Record<string, () => void> = {
  'JSON.parse(toString)': () => {
    for (const r of records) sink = JSON.parse(r.toString('utf8'));
  },
  'isUtf8 + toString': () => {
    for (const r of records) sink = isUtf8(r) && r.toString('utf8');
  },
  'validate (JS scanner)': () => {
    for (const r of records) sink = isJson(r);
  },
  'field by scan': () => {
    for (const r of records) sink = fieldByScan(r, 'kind');
  },
  'structuredClone(parsed)': () => {
    for (const p of parsed) sink = structuredClone(p);
  },
};

const rounds = 5;
const ns: Record<string, number[]> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of Object.entries(candidates)) {
    const start = process.hrtime.bigint();
    run();
    const times = ns[name] ?? [];
    times.push(Number(process.hrtime.bigint() - start) / records.length);
    ns[name] = times;
  }
}

// The worker round trip: 1,000-record batches of bytes in, parsed values out.
const worker = new Worker(
  `const { parentPort } = require('node:worker_threads');
   parentPort.on('message', (batch) => parentPort.postMessage(batch.map((b) => JSON.parse(Buffer.from(b).toString('utf8')))));`,
  { eval: true },
);
const trip: number[] = [];
for (let round = 0; round < rounds; round++) {
  const start = process.hrtime.bigint();
  for (let at = 0; at < records.length; at += 1000) {
    const batch = records.slice(at, at + 1000);
    const back = new Promise((resolve) => worker.once('message', resolve));
    worker.postMessage(batch);
    sink = await back;
  }
  trip.push(Number(process.hrtime.bigint() - start) / records.length);
}
await worker.terminate();
ns['worker round trip (wall)'] = trip;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const base = median(ns['JSON.parse(toString)'] as number[]);
console.log(`${records.length} records of ${size} B; median of ${rounds} rounds, ns per record`);
for (const [name, xs] of Object.entries(ns)) {
  console.log(
    `${name.padEnd(28)} ${median(xs).toFixed(0).padStart(7)} ns  ${(median(xs) / base).toFixed(2)}×`,
  );
}
void sink;
