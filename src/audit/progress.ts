/**
 * A one-line progress indicator on stderr for long audits, only when stderr is a terminal (never in
 * pipes, CI logs or tests). Redrawn at most every 100 ms.
 */
export function progressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
): ((done: number, total: number) => void) | undefined {
  if (stream.isTTY !== true) return undefined;
  let last = Number.NEGATIVE_INFINITY;
  return (done, total) => {
    const t = now();
    const finished = done === total;
    if (!finished && t - last < 100) return;
    last = t;
    stream.write(finished ? '\r\u001b[2K' : `\r\u001b[2Kauditing: ${done}/${total} files`);
  };
}
