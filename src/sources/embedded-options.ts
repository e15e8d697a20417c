/** Options the embedded sources (file, generator) share, each described once. */
import { z } from 'zod';

/** `topic`: the topic the records carry; `defaultsTo` says what it is when absent. */
export function topicOption(defaultsTo: string) {
  return z
    .string()
    .min(1)
    .optional()
    .meta({ description: `Topic of the records; defaults to ${defaultsTo}.` });
}

/** `chunkSize`: how many `items` (lines, records) are handed to the engine at a time. */
export function chunkSizeOption(defaultSize: number, items: string) {
  return z
    .number()
    .int()
    .positive()
    .default(defaultSize)
    .meta({ description: `${items} handed to the engine at a time.` });
}
