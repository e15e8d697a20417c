/**
 * Byte sizes (`64MiB`, `512kB`, `1048576`) and durations (`250ms`, `5s`, `2m`) as config values,
 * because people think in units and numbers without them are a common source of mistakes.
 */
import { z } from 'zod';

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseWithUnits(text: string, units: Record<string, number>): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const factor = match[2] ? units[match[2].toLowerCase()] : 1;
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}

/** A byte size: a number of bytes, or a string with a unit (B, kB, MB, GB, KiB, MiB, GiB). */
export function byteSize() {
  return z
    .union([
      z.number().int().nonnegative(),
      z.string().regex(/^\s*\d+(\.\d+)?\s*(B|kB|KB|MB|GB|KiB|MiB|GiB)?\s*$/i),
    ])
    .transform((v) => (typeof v === 'number' ? v : (parseWithUnits(v, BYTE_UNITS) ?? Number.NaN)))
    .meta({ description: 'bytes, or a size with a unit: 512KiB, 64MiB, 1GB' });
}

/** A duration: milliseconds, or a string with a unit (ms, s, m, h). */
export function duration() {
  return z
    .union([z.number().nonnegative(), z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)?\s*$/)])
    .transform((v) => (typeof v === 'number' ? v : (parseWithUnits(v, DURATION_UNITS) ?? Number.NaN)))
    .meta({ description: 'milliseconds, or a duration with a unit: 250ms, 5s, 2m' });
}
