/**
 * Counting stored copies by an id the test put in each record's value, not by the sink's key: an upsert
 * keyed by position can never hold two rows for one key, so only an independent id shows a record stored
 * twice under two identities (issue 11). Each check that uses these is proven able to fail by a test that
 * stores a double on purpose.
 */

/** How many times each id is stored. */
export function copyCounts(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The ids stored more than once, sorted. */
export function doublesIn(ids: Iterable<string>): string[] {
  return [...copyCounts(ids)]
    .filter(([, n]) => n > 1)
    .map(([id]) => id)
    .sort();
}

/** The expected ids not stored at all, sorted. */
export function missingFrom(ids: Iterable<string>, expected: Iterable<string>): string[] {
  const have = new Set(ids);
  return [...expected].filter((id) => !have.has(id)).sort();
}
