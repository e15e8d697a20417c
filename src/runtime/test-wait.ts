/**
 * The one way tests wait for something to happen: poll a condition until it holds, with a deadline, so
 * that a regression fails the test instead of hanging the run. Never a time assertion: the deadline is
 * far beyond what the condition needs.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
